/**
 * Picks the strategy from the secret itself, as the official templates' users expect: a secret
 * with `masterarn` rotates with alternating users, any other (a superuser's own secret included)
 * with a single user. Steps ask for it with {@link chooseStrategy} and never branch on it.
 */
import type { RotateDeps } from '#functions/rotate/deps.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';
import type { Strategy } from './strategy.js';

/** The strategies a secret can be rotated with. */
export interface StrategyChoice {
  readonly singleUser: Strategy;
  readonly alternatingUsers: Strategy;
}

/**
 * The strategy for a secret: `alternatingUsers` when it has `masterarn`, else `singleUser`.
 *
 * @example
 * const strategyFor = strategyBySecret({ singleUser, alternatingUsers: alternatingUsers(ports) });
 */
export const strategyBySecret =
  (choice: StrategyChoice) =>
  (secret: DatabaseSecret): Strategy =>
    secret.masterarn === undefined ? choice.singleUser : choice.alternatingUsers;

/**
 * The strategy for `secret`, named in the `strategy` key of every later log line of the
 * invocation.
 */
export const chooseStrategy = (
  secret: DatabaseSecret,
  deps: Pick<RotateDeps, 'strategyFor' | 'log'>,
): Strategy => {
  const strategy = deps.strategyFor(secret);
  deps.log.appendKeys({ strategy: strategy.name });
  return strategy;
};
