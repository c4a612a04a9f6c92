/** UpdateSecret: description, KMS key, and optionally a new AWSCURRENT value. */
import {
  clientRequestTokenOf,
  optionalString,
  secretIdOf,
  secretValueOf,
} from '#local-cloud/secrets-manager/validate.js';
import type { Operation } from './context.js';
import { writeVersion } from './write-version.js';

export const updateSecret: Operation = (body, { store, now }) => {
  const secretId = secretIdOf(body);
  const token = clientRequestTokenOf(body);
  const description = optionalString(body, 'Description', { max: 2048 });
  const kmsKeyId = optionalString(body, 'KmsKeyId', { max: 2048 });
  const value = secretValueOf(body);
  const secret = store.requireActive(secretId);
  const response: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
  let changed = false;
  if (value !== undefined) {
    const outcome = writeVersion(secret, token, value, undefined, now);
    response.VersionId = outcome.versionId;
    changed = outcome.changed;
  }
  if (description !== undefined && description !== secret.description) {
    secret.description = description;
    changed = true;
  }
  if (kmsKeyId !== undefined && kmsKeyId !== secret.kmsKeyId) {
    secret.kmsKeyId = kmsKeyId;
    changed = true;
  }
  if (changed) secret.lastChangedDate = now;
  return { response, changed };
};
