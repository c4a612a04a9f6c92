/**
 * testSecret: proves the pending credentials log in and query.
 *
 * It also answers the service's test of a rotation configuration: RotateSecret with
 * RotateImmediately=false runs testSecret alone, on an AWSPENDING version it registers without
 * a value and removes afterwards
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html). With
 * no pending credentials to test, it tests the ones the next rotation will start from:
 * AWSCURRENT must log in (proving the function reaches the secret and the database).
 */
import { type RotateDeps, type Step, whereOf } from '#functions/rotate/deps.js';
import { parsePending, readCurrent } from '#functions/rotate/secrets.js';
import { chooseStrategy } from '#functions/rotate/strategies/by-secret.js';
import { strategyContext } from '#functions/rotate/strategy-context.js';
import { Stage } from '#shared/aws/secret-store.js';

/** The slice of RotateDeps testSecret uses. */
export type TestSecretDeps = Pick<
  RotateDeps,
  'store' | 'strategyFor' | 'engineFor' | 'connect' | 'log'
>;

/** Logs in with the pending version (or, in a configuration test, AWSCURRENT) and probes. */
export const testSecret: Step<TestSecretDeps> = async ({ event, metadata, deadline }, deps) => {
  const where = whereOf(event);
  const token = event.ClientRequestToken;
  const stored = await deps.store.read(event.SecretId, Stage.Pending, token);
  const configurationTest =
    stored === undefined && metadata.versions[token]?.includes(Stage.Pending) === true;
  const tested = configurationTest
    ? await readCurrent(deps.store, event.SecretId, where)
    : parsePending(stored, token, where);
  const strategy = chooseStrategy(tested, deps);
  deps.log.info(
    configurationTest ? 'testing the rotation configuration with AWSCURRENT' : 'testing',
    {
      strategy: strategy.name,
    },
  );
  await strategy.testPending(tested, strategyContext(event, deps, deadline, where));
};
