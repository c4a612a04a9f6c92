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
  return { versionId, changed: true };
};
