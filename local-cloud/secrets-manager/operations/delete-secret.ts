/**
 * DeleteSecret and RestoreSecret.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html
 */
import { invalidParameter, invalidRequest, notFound } from '#local-cloud/secrets-manager/errors.js';
import {
  optionalBoolean,
  optionalInteger,
  secretIdOf,
} from '#local-cloud/secrets-manager/validate.js';
import { epochSeconds, type Operation } from './context.js';

const DAY_MS = 86_400_000;

/**
 * What a forced delete of a secret that does not exist (or is already gone) answers. The docs say
 * only that it does not return ResourceNotFoundException, so a retried forced delete succeeds;
 * the response members are all optional. Choice: echo what the caller named (the ARN when it
 * gave one, and the name inside it; otherwise the name, with the Region's unsuffixed ARN, since
 * the real suffix is unknown) and DeletionDate = now, the same shape as a real forced delete.
 */
const forcedDeleteOfMissing = (
  secretId: string,
  region: string,
  accountId: string,
  now: number,
) => {
  const prefix = `arn:aws:secretsmanager:${region}:${accountId}:secret:`;
  const isArn = secretId.startsWith('arn:');
  // From an ARN, the resource part; a 6-character suffix there cannot be told from the name.
  const at = secretId.indexOf(':secret:');
  const name = isArn && at >= 0 ? secretId.slice(at + ':secret:'.length) : secretId;
  return {
    ARN: isArn ? secretId : `${prefix}${secretId}`,
    Name: name,
    DeletionDate: epochSeconds(now),
  };
};

/**
 * Schedules deletion after RecoveryWindowInDays (7..30, default 30), or deletes at once with
 * ForceDeleteWithoutRecovery (not both). Choice: a second DeleteSecret without force on a secret
 * already scheduled is InvalidRequestException (as the service words it); with force it deletes.
 * A forced delete of a missing secret succeeds (see `forcedDeleteOfMissing`).
 */
export const deleteSecret: Operation = (body, { store, now }) => {
  const secretId = secretIdOf(body);
  // 7..30 is a rule of the service, not a range in the model: InvalidParameterException.
  const windowDays = optionalInteger(body, 'RecoveryWindowInDays');
  if (windowDays !== undefined && (windowDays < 7 || windowDays > 30)) {
    throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days.');
  }
  const force = optionalBoolean(body, 'ForceDeleteWithoutRecovery') ?? false;
  if (force && windowDays !== undefined) {
    throw invalidParameter(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  const secret = store.find(secretId);
  if (secret === undefined) {
    if (!force) throw notFound();
    return {
      response: forcedDeleteOfMissing(secretId, store.region, store.accountId, now),
      changed: false,
    };
  }
  if (force) {
    store.remove(secret);
    return {
      response: { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(now) },
      changed: true,
    };
  }
  if (secret.deletedDate !== undefined) {
    throw invalidRequest(
      "You can't perform this operation on the secret because it was marked for deletion.",
    );
  }
  secret.deletedDate = now;
  secret.deletionDate = now + (windowDays ?? 30) * DAY_MS;
  secret.lastChangedDate = now;
  return {
    response: {
      ARN: secret.arn,
      Name: secret.name,
      DeletionDate: epochSeconds(secret.deletionDate),
    },
    changed: true,
  };
};

/** Cancels a scheduled deletion; a secret not scheduled for deletion is left as is. */
export const restoreSecret: Operation = (body, { store, now }) => {
  const secret = store.require(secretIdOf(body));
  const changed = secret.deletedDate !== undefined;
  secret.deletedDate = undefined;
  secret.deletionDate = undefined;
  if (changed) secret.lastChangedDate = now;
  return { response: { ARN: secret.arn, Name: secret.name }, changed };
};
