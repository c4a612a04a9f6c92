/**
 * createSecret: stages a new version under the request token, AWSPENDING only: every key of
 * AWSCURRENT, a new password (by the function's policy, narrowed by the secret's tags from the
 * gate's DescribeSecret), and the user the strategy names.
 */

import { type RotateDeps, type Step, whereOf } from '#functions/rotate/deps.js';
import { readCurrent } from '#functions/rotate/secrets.js';
import { chooseStrategy } from '#functions/rotate/strategies/by-secret.js';
import { Stage } from '#shared/aws/secret-store.js';
import { serializeDatabaseSecret } from '#shared/inputs/database-secret.js';
import { narrowPasswordPolicy } from '#shared/passwords.js';

/** The slice of RotateDeps createSecret uses. */
export type CreateSecretDeps = Pick<
  RotateDeps,
  'store' | 'strategyFor' | 'passwordPolicy' | 'generatePassword' | 'log'
>;

/** Stages the pending version; a retry finds it staged ('exists') and keeps the first value. */
export const createSecret: Step<CreateSecretDeps> = async ({ event, metadata }, deps) => {
  const where = whereOf(event);
  // Invalid policy tags fail before any read or write.
  const narrowed = narrowPasswordPolicy(deps.passwordPolicy, metadata.tags, where);
  const current = await readCurrent(deps.store, event.SecretId, where);
  const username = chooseStrategy(current, deps).pendingUsername(current, where);
  deps.log.info('password policy', { passwordPolicy: narrowed.policy, narrowedBy: narrowed.tags });
  const password = deps.generatePassword(narrowed.policy);
  const value = serializeDatabaseSecret(current, { password, username });
  // No read of the pending version first: PutSecretValue itself refuses a second value for the
  // token (ResourceExistsException), which saves a call on every rotation.
  const outcome = await deps.store.putValue(event.SecretId, event.ClientRequestToken, value, {
    stages: [Stage.Pending],
    ...(event.RotationToken === undefined ? {} : { rotationToken: event.RotationToken }),
  });
  deps.log.info(
    outcome === 'created' ? 'pending version staged' : 'pending version was already staged',
    { username },
  );
};
