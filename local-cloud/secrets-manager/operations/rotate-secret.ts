/**
 * RotateSecret and CancelRotateSecret.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
 */
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  ErrorCode,
  invalidRequest,
  Messages,
} from '#local-cloud/secrets-manager/errors.js';
import { type SecretRecord, Stage } from '#local-cloud/secrets-manager/model.js';
import { validateRotationRules } from '#local-cloud/secrets-manager/schedule.js';
import { addVersion } from '#local-cloud/secrets-manager/staging.js';
import {
  clientRequestTokenOf,
  optionalBoolean,
  optionalString,
  secretIdOf,
} from '#local-cloud/secrets-manager/validate.js';
import type { Operation } from './context.js';

/** The version id of a rotation that has not finished: AWSPENDING on a non-current version. */
export const incompleteRotationOf = (secret: SecretRecord): string | undefined => {
  const pending = secret.labels.get(Stage.Pending);
  return pending !== undefined && pending !== secret.labels.get(Stage.Current)
    ? pending
    : undefined;
};

/**
 * Stores the rotation configuration, registers the token as a value-less AWSPENDING version and
 * starts the steps in the background; answers at once. While an earlier rotation is incomplete it
 * answers InvalidRequestException and re-runs that rotation (same token), as the service does.
 */
export const rotateSecret: Operation = (body, { store, now, region, rotations }) => {
  const secretId = secretIdOf(body);
  const token = clientRequestTokenOf(body);
  const lambdaArn = optionalString(body, 'RotationLambdaARN', { max: 2048 }) || undefined;
  const rules =
    body.RotationRules === undefined || body.RotationRules === null
      ? undefined
      : validateRotationRules(body.RotationRules);
  const rotateImmediately = optionalBoolean(body, 'RotateImmediately') ?? true;
  const secret = store.requireActive(secretId);

  const functionArn = lambdaArn ?? secret.rotationLambdaArn;
  if (functionArn === undefined) {
    throw invalidRequest('No Lambda rotation function ARN is associated with this secret.');
  }
  // The service's own rule comes before the emulator's limitation: an incomplete rotation is
  // reported as AWS reports it even when no invoker is configured to re-run it.
  const incomplete = incompleteRotationOf(secret);
  if (incomplete !== undefined) {
    // Choice: a rotation still running in this process is not started a second time.
    if (rotations.canInvoke && !rotations.isRunning(region, secret.arn)) {
      rotations.start(region, secret.arn, incomplete, false);
    }
    throw invalidRequest(Messages.previousRotationIncomplete);
  }
  if (!rotations.canInvoke) {
    throw invalidRequest(
      'The local cloud was started without a function invoker, so it cannot run rotation functions.',
    );
  }
  const versionId = token ?? randomUUID();
  if (secret.versions.has(versionId)) {
    throw new ApiError(
      ErrorCode.ResourceExists,
      `A version with ClientRequestToken ${versionId} already exists; a rotation needs a new token.`,
    );
  }
  addVersion(
    secret,
    { versionId, value: undefined, createdDate: now, lastAccessedDate: undefined },
    [Stage.Pending],
    now,
  );
  secret.rotationLambdaArn = functionArn;
  if (rules !== undefined) secret.rotationRules = rules;
  secret.rotationEnabled = true;
  secret.rotationConfiguredDate = now;
  secret.lastChangedDate = now;
  rotations.start(region, secret.arn, versionId, !rotateImmediately);
  return { response: { ARN: secret.arn, Name: secret.name, VersionId: versionId }, changed: true };
};

/**
 * Turns rotation off and returns the VersionId of an incomplete rotation, if any. The AWSPENDING
 * label stays where it is: the service leaves that clean-up to the caller.
 */
export const cancelRotateSecret: Operation = (body, { store, now }) => {
  const secret = store.requireActive(secretIdOf(body));
  const incomplete = incompleteRotationOf(secret);
  secret.rotationEnabled = false;
  secret.lastChangedDate = now;
  const response: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
  if (incomplete !== undefined) response.VersionId = incomplete;
  return { response, changed: true };
};
