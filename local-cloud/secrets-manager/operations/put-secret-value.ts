/** PutSecretValue. https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html */
import { invalidParameter } from '#local-cloud/secrets-manager/errors.js';
import { stagesOf } from '#local-cloud/secrets-manager/staging.js';
import {
  checkPattern,
  clientRequestTokenOf,
  optionalString,
  secretIdOf,
  secretValueOf,
  versionStagesOf,
} from '#local-cloud/secrets-manager/validate.js';
import type { Operation } from './context.js';
import { writeVersion } from './write-version.js';

/**
 * Stores a new version: without VersionStages it becomes AWSCURRENT (and the old current
 * AWSPREVIOUS). RotationToken is accepted and ignored (it matters only for cross-account roles).
 */
export const putSecretValue: Operation = (body, { store, now }) => {
  const secretId = secretIdOf(body);
  const token = clientRequestTokenOf(body);
  const stages = versionStagesOf(body);
  const rotationToken = optionalString(body, 'RotationToken', { min: 36, max: 256 });
  if (rotationToken !== undefined) checkPattern('RotationToken', rotationToken, /^[a-zA-Z0-9-]+$/);
  const value = secretValueOf(body);
  if (value === undefined) {
    throw invalidParameter('You must provide either SecretString or SecretBinary.');
  }
  const secret = store.requireActive(secretId);
  const { versionId, changed } = writeVersion(secret, token, value, stages, now);
  return {
    response: {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: versionId,
      VersionStages: stagesOf(secret, versionId),
    },
    changed,
  };
};
