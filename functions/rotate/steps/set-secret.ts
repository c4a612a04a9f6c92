/**
 * setSecret: makes the pending credentials valid on the database, after checking the pending
 * version still names the same engine, server, database, TLS setting and (per the strategy) user.
 */

import { type RotateDeps, type Step, whereOf } from '#functions/rotate/deps.js';
import { readCurrent, readPending } from '#functions/rotate/secrets.js';
import { chooseStrategy } from '#functions/rotate/strategies/by-secret.js';
import { strategyContext } from '#functions/rotate/strategy-context.js';
import { CredentialsMismatchError, type ErrorWhere } from '#shared/errors.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';

/** The slice of RotateDeps setSecret uses. */
export type SetSecretDeps = Pick<
  RotateDeps,
  'store' | 'strategyFor' | 'engineFor' | 'connect' | 'log'
>;

// What a rotation must not change, as parsed (so `"ssl": "true"` equals `"ssl": true`), and the
// secret key each is read from. A pending version with TLS off would carry the new password to
// the server in the clear.
const FIXED_FIELDS = [
  ['engine', 'engine'],
  ['host', 'host'],
  ['port', 'port'],
  ['dbname', 'dbname'],
  ['tls', 'ssl'],
] as const;

/**
 * Refuses a pending version that would move the credentials to another user or server, or to
 * another strategy (createSecret copies `masterarn`: another one could only be hand-made).
 */
const checkPendingTarget = (
  current: DatabaseSecret,
  pending: DatabaseSecret,
  expectedUsername: string,
  where: ErrorWhere,
): void => {
  for (const [field, key] of FIXED_FIELDS) {
    if (current[field] !== pending[field]) {
      throw new CredentialsMismatchError(`pending ${key} differs from current ${key}`, where);
    }
  }
  if (pending.username !== expectedUsername) {
    throw new CredentialsMismatchError(
      `pending username "${pending.username}" is not the expected "${expectedUsername}"`,
      where,
    );
  }
  if (pending.masterarn !== current.masterarn) {
    throw new CredentialsMismatchError('pending masterarn differs from current masterarn', where);
  }
};

/** Sets the pending password on the database through the strategy. */
export const setSecret: Step<SetSecretDeps> = async ({ event, deadline }, deps) => {
  const where = whereOf(event);
  const current = await readCurrent(deps.store, event.SecretId, where);
  const pending = await readPending(deps.store, event.SecretId, event.ClientRequestToken, where);
  const strategy = chooseStrategy(current, deps);
  checkPendingTarget(current, pending, strategy.pendingUsername(current, where), where);
  deps.log.info('rotating', { strategy: strategy.name });
  await strategy.setPending(current, pending, strategyContext(event, deps, deadline, where));
};
