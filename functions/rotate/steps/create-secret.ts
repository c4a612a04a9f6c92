/**
 * createSecret: stages a new version under the request token, AWSPENDING only: every key of
 * AWSCURRENT, a new password, and the user the strategy names.
 */
import { serializeDatabaseSecret } from '../../../shared/inputs/database-secret.js';
import { type RotateDeps, type Step, whereOf } from '../deps.js';
import { readCurrent } from '../secrets.js';

/** The slice of RotateDeps createSecret uses. */
export type CreateSecretDeps = Pick<RotateDeps, 'store' | 'strategy' | 'generatePassword' | 'log'>;

/** Stages the pending version; a retry finds it staged ('exists') and keeps the first value. */
export const createSecret: Step<CreateSecretDeps> = async ({ event }, deps) => {
  const where = whereOf(event);
  const current = await readCurrent(deps.store, event.SecretId, where);
  const username = deps.strategy.pendingUsername(current, where);
  const value = serializeDatabaseSecret(current, { password: deps.generatePassword(), username });
  // No read of the pending version first: PutSecretValue itself refuses a second value for the
  // token (ResourceExistsException), which saves a call on every rotation.
  const outcome = await deps.store.putPending(
    event.SecretId,
    event.ClientRequestToken,
    value,
    event.RotationToken,
  );
  deps.log.info(
    outcome === 'created' ? 'pending version staged' : 'pending version was already staged',
    { username },
  );
};
