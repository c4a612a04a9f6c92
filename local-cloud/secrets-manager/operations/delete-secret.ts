/**
 * DeleteSecret and RestoreSecret.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html
 */
import { invalidParameter, invalidRequest } from '../errors.js';
import { optionalBoolean, optionalInteger, secretIdOf } from '../validate.js';
import { epochSeconds, type Operation } from './context.js';

const DAY_MS = 86_400_000;

/**
 * Schedules deletion after RecoveryWindowInDays (7..30, default 30), or deletes at once with
 * ForceDeleteWithoutRecovery (not both). Choice: a second DeleteSecret without force on a secret
 * already scheduled is InvalidRequestException (as the service words it); with force it deletes.
 */
export const deleteSecret: Operation = (body, { store, now }) => {
  const secretId = secretIdOf(body);
  const windowDays = optionalInteger(body, 'RecoveryWindowInDays', 7, 30);
  const force = optionalBoolean(body, 'ForceDeleteWithoutRecovery') ?? false;
  if (force && windowDays !== undefined) {
    throw invalidParameter(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  const secret = store.require(secretId);
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
