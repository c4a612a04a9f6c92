/** testSecret: proves the pending credentials log in and query. */
import { type RotateDeps, type Step, whereOf } from '#functions/rotate/deps.js';
import { readPending } from '#functions/rotate/secrets.js';
import { chooseStrategy } from '#functions/rotate/strategies/by-secret.js';
import { strategyContext } from '#functions/rotate/strategy-context.js';

/** The slice of RotateDeps testSecret uses. */
export type TestSecretDeps = Pick<
  RotateDeps,
  'store' | 'strategyFor' | 'engineFor' | 'connect' | 'log'
>;

/** Logs in with the pending version and probes, through the strategy. */
export const testSecret: Step<TestSecretDeps> = async ({ event, deadline }, deps) => {
  const where = whereOf(event);
  const pending = await readPending(deps.store, event.SecretId, event.ClientRequestToken, where);
  const strategy = chooseStrategy(pending, deps);
  deps.log.info('testing', { strategy: strategy.name });
  await strategy.testPending(pending, strategyContext(event, deps, deadline, where));
};
