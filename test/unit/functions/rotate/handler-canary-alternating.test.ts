import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildRotateHandler } from '#functions/rotate/build-handler.js';
import { alternatingUsers } from '#functions/rotate/strategies/alternating-users.js';
import { strategyBySecret } from '#functions/rotate/strategies/by-secret.js';
import { singleUser } from '#functions/rotate/strategies/single-user.js';
import { superuserSecrets } from '#functions/rotate/superuser-secret.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { ROTATION_STEPS } from '#shared/inputs/rotation-event.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { emfMetrics } from '#shared/metrics.js';
import { Sensitive } from '#shared/sensitive.js';
import { type FakeDatabase, fakeEngine } from '#test/fakes/fake-engine.js';
import { FakeRdsEndpointLookup } from '#test/fakes/fake-rds.js';
import type { FakeSecretStore } from '#test/fakes/fake-secret-store.js';
import {
  alternatingDatabase,
  alternatingSecret,
  alternatingStore,
  CURRENT_PASSWORD,
  depsWith,
  MASTER_PASSWORD,
  masterSecret,
  SECRET_ID,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';
import { captureOutput } from '#test/helpers/captured-output.js';
import { lambdaContext } from '#test/helpers/lambda-context.js';

const CANARY_NEW = 'CANARY-new-alt-9a8b7c6d5e4f3a2b1c';

const context = lambdaContext('rotasync-test-rotate');

let output: string[] = [];

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const handlerOver = (store: FakeSecretStore, database: FakeDatabase) => {
  const knownValues = new KnownValues();
  const remembering = rememberingStore(store, knownValues);
  const engineFor = () => fakeEngine(database);
  return buildRotateHandler({
    deps: {
      ...depsWith(store, database, CANARY_NEW),
      store: remembering,
      engineFor,
      strategyFor: strategyBySecret({
        singleUser,
        alternatingUsers: alternatingUsers({
          superusers: superuserSecrets(remembering, new FakeRdsEndpointLookup()),
          engineFor,
        }),
      }),
      generatePassword: () => new Sensitive(CANARY_NEW),
      log: logger,
    },
    logger,
    knownValues,
    // The real EMF adapter: its lines are captured with the logs, so the canary covers them.
    metrics: emfMetrics(new Metrics({ namespace: 'Rotasync', serviceName: 'rotasync' })),
    timeoutMarginMs: 2000,
  });
};

const invoke = (handler: ReturnType<typeof handlerOver>, Step: string) =>
  handler({ Step, SecretId: SECRET_ID, ClientRequestToken: TOKEN } as never, context);

describe('the rotate handler chain, alternating users, never leaks a secret value', () => {
  it('runs a full rotation with no password in any log line', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const handler = handlerOver(store, database);
    // Act
    for (const step of ROTATION_STEPS) await invoke(handler, step);
    // Assess
    const text = output.join('');
    expect(database.passwordOf('app_clone')).toBe(CANARY_NEW);
    expect(text).toContain('clone ready with the pending password');
    expect(text).not.toContain(MASTER_PASSWORD);
    expect(text).not.toContain(CURRENT_PASSWORD);
    expect(text).not.toContain(CANARY_NEW);
  });

  it('scrubs a driver error quoting the superuser and pending passwords', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const handler = handlerOver(store, database);
    await invoke(handler, 'createSecret');
    database.failEnsureClone = new Error(`near "${CANARY_NEW}"`, {
      cause: new Error(`as ${MASTER_PASSWORD}`),
    });
    // Act
    const outcome = invoke(handler, 'setSecret');
    // Assess
    const error = await outcome.then(
      () => new Error('expected a rejection'),
      (thrown: Error) => thrown,
    );
    const errorText = `${error.message}${error.stack}${error.cause instanceof Error ? error.cause.message : ''}`;
    const text = output.join('');
    expect(errorText).toContain('[redacted]');
    expect(`${errorText}${text}`).not.toContain(MASTER_PASSWORD);
    expect(`${errorText}${text}`).not.toContain(CANARY_NEW);
    expect(text.match(/invocation failed/g)).toHaveLength(1);
  });
});

/** The JSON log lines written so far. */
const logLines = (): Record<string, unknown>[] =>
  output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the strategy log key', () => {
  it.each([
    ['alternating-users', 'with masterarn', alternatingSecret()],
    ['single-user', 'without masterarn', masterSecret()],
  ])('says %s for a secret %s, on the lines of each step that read it', async (name, _, secret) => {
    // Prepare
    const handler = handlerOver(alternatingStore(secret), alternatingDatabase());
    // Act
    for (const step of ROTATION_STEPS) await invoke(handler, step);
    // Assess
    const stepLines = logLines().filter((line) =>
      ['pending version staged', 'rotating', 'testing'].includes(String(line.message)),
    );
    expect(stepLines.map((line) => [line.step, line.strategy])).toEqual([
      ['createSecret', name],
      ['setSecret', name],
      ['testSecret', name],
    ]);
  });
});
