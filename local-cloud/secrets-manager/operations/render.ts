/** A secret's metadata as DescribeSecret and ListSecrets return it (never a value). */
import type { SecretRecord } from '#local-cloud/secrets-manager/model.js';
import { nextRotationDate } from '#local-cloud/secrets-manager/schedule.js';
import { versionIdsToStages } from '#local-cloud/secrets-manager/staging.js';
import { epochSeconds } from './context.js';

/**
 * DescribeSecret's fields. Choices: Tags is omitted when there are none, and RotationEnabled is
 * omitted until rotation has been configured once (as the service shows a never-rotated secret).
 */
export const describeSecretFields = (
  secret: SecretRecord,
  region: string,
  now: number,
): Record<string, unknown> => {
  const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
  if (secret.description !== undefined) out.Description = secret.description;
  if (secret.kmsKeyId !== undefined) out.KmsKeyId = secret.kmsKeyId;
  if (secret.rotationEnabled || secret.rotationLambdaArn !== undefined) {
    out.RotationEnabled = secret.rotationEnabled;
  }
  if (secret.rotationLambdaArn !== undefined) out.RotationLambdaARN = secret.rotationLambdaArn;
  if (secret.rotationRules !== undefined) out.RotationRules = secret.rotationRules;
  if (secret.lastRotatedDate !== undefined)
    out.LastRotatedDate = epochSeconds(secret.lastRotatedDate);
  out.LastChangedDate = epochSeconds(secret.lastChangedDate);
  if (secret.lastAccessedDate !== undefined) {
    out.LastAccessedDate = epochSeconds(secret.lastAccessedDate);
  }
  if (secret.deletedDate !== undefined) out.DeletedDate = epochSeconds(secret.deletedDate);
  if (secret.rotationEnabled && secret.rotationRules !== undefined) {
    const base = secret.lastRotatedDate ?? secret.rotationConfiguredDate ?? secret.createdDate;
    const next = nextRotationDate(secret.rotationRules, base, now);
    if (next !== undefined) out.NextRotationDate = epochSeconds(next);
  }
  if (secret.tags.length > 0) out.Tags = secret.tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  out.VersionIdsToStages = versionIdsToStages(secret);
  out.CreatedDate = epochSeconds(secret.createdDate);
  out.PrimaryRegion = region;
  return out;
};

/** ListSecrets' SecretListEntry: DescribeSecret's fields, with SecretVersionsToStages. */
export const secretListEntry = (
  secret: SecretRecord,
  region: string,
  now: number,
): Record<string, unknown> => {
  const { VersionIdsToStages, ...rest } = describeSecretFields(secret, region, now);
  return { ...rest, SecretVersionsToStages: VersionIdsToStages };
};
