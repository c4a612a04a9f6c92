/**
 * The rotation function's core: one gate, then the step Secrets Manager asked for
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda.html).
 *
 * Secrets Manager calls and logins on a full happy-path rotation (four invocations):
 *
 * | step         | Secrets Manager calls                                               | logins    |
 * |--------------|---------------------------------------------------------------------|-----------|
 * | createSecret | DescribeSecret, GetSecretValue(AWSCURRENT), PutSecretValue = 3      | 0         |
 * | setSecret    | DescribeSecret, GetSecretValue(AWSCURRENT), GetSecretValue(token,   | 1 current |
 * |              | AWSPENDING) = 3 (AWSPREVIOUS is read only if current is rejected)   |           |
 * | testSecret   | DescribeSecret, GetSecretValue(token, AWSPENDING) = 2               | 1 pending |
 * | finishSecret | DescribeSecret, UpdateSecretVersionStage = 2                        | 0         |
 * | total        | 10 (the official templates make 14)                                 | 2, none failing |
 *
 * Alternating users (the secret has `masterarn`; the superuser secret holds host and engine):
 *
 * | step         | Secrets Manager calls                                     | logins                |
 * |--------------|-----------------------------------------------------------|-----------------------|
 * | createSecret | 3, as above                                               | 0                     |
 * | setSecret    | 3 as above + GetSecretValue(masterarn, AWSCURRENT) = 4    | current, superuser    |
 * | testSecret   | 2 as above + GetSecretValue(masterarn) when the pending   | pending (+ superuser  |
 * |              | user is the clone, for the privilege check = 3 (or 2)     | when it is the clone) |
 * | finishSecret | 2, as above                                               | 0                     |
 * | total        | 12 towards the clone, 11 back to the original             | 4 or 3, none failing  |
 *
 * An RDS-managed master secret (only username and password) adds DescribeSecret(masterarn) and
 * one RDS DescribeDBInstances/DescribeDBClusters wherever the superuser secret is read.
 */
import { Stage } from '#shared/aws/secret-store.js';
import { type Deadline, ensureTimeLeft } from '#shared/deadline.js';
import {
  RotationNotEnabledError,
  SecretNotFoundError,
  VersionNotPendingError,
} from '#shared/errors.js';
import type { RotationEvent, RotationStep } from '#shared/inputs/rotation-event.js';
import { type RotateDeps, type Step, whereOf } from './deps.js';
import { createSecret } from './steps/create-secret.js';
import { finishSecret } from './steps/finish-secret.js';
import { setSecret } from './steps/set-secret.js';
import { testSecret } from './steps/test-secret.js';

const STEPS: Record<RotationStep, Step<RotateDeps>> = {
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
};

/**
 * How a step invocation ended: `promoted` when finishSecret moved AWSCURRENT to the token's
 * version, `already-current` when the token already was AWSCURRENT (a late retry), else `done`.
 */
export type RotationOutcome = 'done' | 'promoted' | 'already-current';

/**
 * Runs one rotation step. First DescribeSecret: no such secret → SecretNotFoundError; rotation
 * disabled → RotationNotEnabledError;
 * token not a version or not AWSPENDING → VersionNotPendingError; token already AWSCURRENT →
 * done (a late retry of a finished rotation). Then the step, within `deadline`.
 */
export const rotate = async (
  event: RotationEvent,
  deps: RotateDeps,
  deadline: Deadline,
): Promise<RotationOutcome> => {
  const where = whereOf(event);
  const token = event.ClientRequestToken;
  const metadata = await deps.store.describe(event.SecretId);
  if (metadata === undefined) throw new SecretNotFoundError(where);
  if (!metadata.rotationEnabled) throw new RotationNotEnabledError(where);
  const stages = metadata.versions[token];
  if (stages === undefined) {
    throw new VersionNotPendingError(token, 'is not a version of the secret', where);
  }
  if (stages.includes(Stage.Current)) {
    deps.log.info('version is already AWSCURRENT: nothing to do');
    return 'already-current';
  }
  if (!stages.includes(Stage.Pending)) {
    throw new VersionNotPendingError(token, 'is not staged AWSPENDING', where);
  }
  ensureTimeLeft(deadline, event.Step, where);
  await STEPS[event.Step]({ event, metadata, deadline }, deps);
  // Past the gate the token was not AWSCURRENT, so a finishSecret that returns has moved it.
  return event.Step === 'finishSecret' ? 'promoted' : 'done';
};
