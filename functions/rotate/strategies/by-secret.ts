/**
 * Picks the strategy from the secret itself, as the official templates' users expect: a secret
 * with `masterarn` rotates with alternating users, any other (a superuser's own secret included)
 * with a single user. The steps see one Strategy and never branch on it.
 */
import { CredentialsMismatchError } from '#shared/errors.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';
import type { Strategy } from './strategy.js';

/** The strategies a secret can be rotated with. */
export interface StrategyChoice {
  readonly singleUser: Strategy;
  readonly alternatingUsers: Strategy;
}

/**
 * One Strategy that hands each call to `alternatingUsers` when the secret has `masterarn`, else
 * to `singleUser`. setSecret refuses a pending version whose `masterarn` differs from current's.
 *
 * @example
 * const strategy = strategyBySecret({ singleUser, alternatingUsers: alternatingUsers(ports) });
 */
export const strategyBySecret = (choice: StrategyChoice): Strategy => {
  const pick = (secret: DatabaseSecret): Strategy =>
    secret.masterarn === undefined ? choice.singleUser : choice.alternatingUsers;
  return {
    name: 'by-secret',
    pendingUsername: (current, where) => pick(current).pendingUsername(current, where),
    setPending: async (current, pending, context) => {
      // createSecret copies masterarn; another one could only be a hand-made pending version.
      if (pending.masterarn !== current.masterarn) {
        throw new CredentialsMismatchError(
          'pending masterarn differs from current masterarn',
          context.where,
        );
      }
      const strategy = pick(current);
      context.log.info('rotating', { strategy: strategy.name });
      await strategy.setPending(current, pending, context);
    },
    testPending: async (pending, context) => {
      const strategy = pick(pending);
      context.log.info('testing', { strategy: strategy.name });
      await strategy.testPending(pending, context);
    },
  };
};
