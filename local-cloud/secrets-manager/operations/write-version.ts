/**
 * Writing a new secret version under a ClientRequestToken, shared by CreateSecret, PutSecretValue
 * and UpdateSecret. The token is the VersionId and makes the write idempotent:
 * - same token, same value: nothing new, success;
 * - same token, different value: ResourceExistsException;
 * - a token naming the value-less AWSPENDING placeholder RotateSecret registered: filled in.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, ErrorCode } from '#local-cloud/secrets-manager/errors.js';
import { type SecretRecord, Stage, type StoredValue } from '#local-cloud/secrets-manager/model.js';
import { addVersion, applyStages } from '#local-cloud/secrets-manager/staging.js';
import { sameValue } from '#local-cloud/secrets-manager/validate.js';
import { tapValue } from '#local-cloud/taps.js';

export interface WriteOutcome {
  readonly versionId: string;
  readonly changed: boolean;
}

/** Stores `value` as version `token` (a new UUID when absent) with `stages` (default AWSCURRENT). */
export const writeVersion = (
  secret: SecretRecord,
  token: string | undefined,
  value: StoredValue,
  stages: readonly string[] | undefined,
  now: number,
): WriteOutcome => {
  const versionId = token ?? randomUUID();
  const labels = stages ?? [Stage.Current];
  const existing = secret.versions.get(versionId);
  if (existing !== undefined) {
    if (existing.value !== undefined) {
      if (sameValue(existing.value, value)) return { versionId, changed: false };
      throw new ApiError(
        ErrorCode.ResourceExists,
        `A version with ClientRequestToken ${versionId} already exists with a different value; you can't modify an existing version, only create a new one.`,
      );
    }
    // Labels first: if they exceed the quota, the placeholder stays untouched.
    applyStages(secret, { ...existing, value }, labels);
    existing.value = value;
  } else {
    addVersion(
      secret,
      { versionId, value, createdDate: now, lastAccessedDate: undefined },
      labels,
      now,
    );
  }
  secret.lastChangedDate = now;
  tapStoredValue(secret, versionId, value);
  return { versionId, changed: true };
};

/**
 * Tells the leak scan (local-cloud/taps.ts) every value ever stored, in every Region: versions
 * that later lose their labels or whose secret is deleted included. A binary value counts in its
 * base64 form and, when its bytes are UTF-8 text, as that text.
 */
const tapStoredValue = (secret: SecretRecord, versionId: string, value: StoredValue): void => {
  const origin = `${secret.arn} version ${versionId}`;
  if (value.kind === 'string') {
    tapValue(origin, value.data);
    return;
  }
  tapValue(`${origin} (base64)`, value.data);
  const bytes = Buffer.from(value.data, 'base64');
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(bytes)) tapValue(origin, text);
};
