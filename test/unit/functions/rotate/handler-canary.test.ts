import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildRotateHandler } from '#functions/rotate/build-handler.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import {
  GrantParseError,
  InvalidEventError,
  SecretFormatError,
  StatementFailedError,
} from '#shared/errors.js';
import { ROTATION_STEPS } from '#shared/inputs/rotation-event.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { emfMetrics } from '#shared/metrics.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import type { FakeSecretStore } from '#test/fakes/fake-secret-store.js';
import {
  appSecret,
  depsWith,
  rotatingStore,
  SECRET_ID,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';
import { captureOutput } from '#test/helpers/captured-output.js';
import { errorOf } from '#test/helpers/error-of.js';
import { lambdaContext } from '#test/helpers/lambda-context.js';

// Distinctive values that must never reach a log line or an error.
const CANARY_CURRENT = 'CANARY-current-7f3e9a1b2c4d';
const CANARY_NEW = 'CANARY-new-0c9b8a7f6e5d4c3b2a19';

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
  const deps = depsWith(store, database, CANARY_NEW);
  return buildRotateHandler({
    deps: { ...deps, store: rememberingStore(store, knownValues), log: logger },
    logger,
    knownValues,
    // The real EMF adapter: its lines are captured with the logs, so the canary covers them.
    metrics: emfMetrics(new Metrics({ namespace: 'Rotasync', serviceName: 'rotasync' })),
    timeoutMarginMs: 2000,
  });
};

const invoke = (handler: ReturnType<typeof handlerOver>, event: unknown) =>
  handler(event as never, context);

/** An error's message and stack, and those of its whole chain of causes. */
const errorText = (error: Error): string => {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, current.stack ?? '');
  }
  return parts.join('\n');
};

describe('the rotate handler chain never leaks a secret value', () => {
  it('runs a full rotation with no canary in any log line, tagging lines with ids', async () => {
    // Prepare
    const store = rotatingStore(appSecret({ password: CANARY_CURRENT }));
    const database = new FakeDatabase({ app: CANARY_CURRENT });
    const handler = handlerOver(store, database);
    // Act
    for (const Step of ROTATION_STEPS) {
      await invoke(handler, { Step, SecretId: SECRET_ID, ClientRequestToken: TOKEN });
    }
    // Assess
    const text = output.join('');
    expect(database.passwordOf('app')).toBe(CANARY_NEW);
    expect(text).toContain('pending version staged');
    expect(text).toContain(`"secretId":"${SECRET_ID}"`);
    expect(text).toContain('"step":"finishSecret"');
    expect(text).not.toContain(CANARY_CURRENT);
    expect(text).not.toContain(CANARY_NEW);
  });

  it('scrubs a driver error that quotes the new password, and logs the failure once', async () => {
    // Prepare
    const store = rotatingStore(appSecret({ password: CANARY_CURRENT }));
    const database = new FakeDatabase({ app: CANARY_CURRENT });
    const handler = handlerOver(store, database);
    await invoke(handler, { Step: 'createSecret', SecretId: SECRET_ID, ClientRequestToken: TOKEN });
    database.failSetPassword = new Error('syntax error', {
      cause: new Error(`near "${CANARY_NEW}" and ${CANARY_CURRENT}`),
    });
    // Act
    const error = await errorOf(
      invoke(handler, { Step: 'setSecret', SecretId: SECRET_ID, ClientRequestToken: TOKEN }),
    );
    // Assess
    const text = output.join('');
    expect(errorText(error)).toContain('[redacted]');
    expect(errorText(error)).not.toContain(CANARY_NEW);
    expect(errorText(error)).not.toContain(CANARY_CURRENT);
    expect(text).not.toContain(CANARY_NEW);
    expect(text).not.toContain(CANARY_CURRENT);
    expect(text.match(/invocation failed/g)).toHaveLength(1);
    expect(text).toContain('"step":"setSecret"');
  });

  it('rejects an event with an unprintable field before any AWS call, without echoing it', async () => {
    // Prepare
    const store = rotatingStore();
    const handler = handlerOver(store, new FakeDatabase());
    const hostile = `${SECRET_ID}\n{"level":"INFO","message":"${CANARY_NEW}"}`;
    // Act
    const error = await errorOf(
      invoke(handler, { Step: 'createSecret', SecretId: hostile, ClientRequestToken: TOKEN }),
    );
    // Assess
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(store.calls).toEqual([]);
    expect(output.join('')).not.toContain(CANARY_NEW);
    expect(errorText(error)).not.toContain(CANARY_NEW);
  });

  it('reports a malformed current secret by field, never its text', async () => {
    // Prepare
    const store = rotatingStore(`{"password":"${CANARY_CURRENT}", oops}`);
    const handler = handlerOver(store, new FakeDatabase());
    // Act
    const error = await errorOf(
      invoke(handler, { Step: 'createSecret', SecretId: SECRET_ID, ClientRequestToken: TOKEN }),
    );
    // Assess
    expect(error).toBeInstanceOf(SecretFormatError);
    expect(output.join('')).not.toContain(CANARY_CURRENT);
    expect(errorText(error)).not.toContain(CANARY_CURRENT);
  });
});

describe('errors name the secret and the step they happened in (issue 9, defect 7)', () => {
  /** Runs createSecret, then setSecret with the fake session failing with `failure`. */
  const failSetSecretWith = async (failure: Error): Promise<Error> => {
    const store = rotatingStore(appSecret({ password: CANARY_CURRENT }));
    const database = new FakeDatabase({ app: CANARY_CURRENT });
    const handler = handlerOver(store, database);
    await invoke(handler, { Step: 'createSecret', SecretId: SECRET_ID, ClientRequestToken: TOKEN });
    database.failSetPassword = failure;
    return errorOf(
      invoke(handler, { Step: 'setSecret', SecretId: SECRET_ID, ClientRequestToken: TOKEN }),
    );
  };

  it('gives a failed statement of the engine the secret and the step', async () => {
    // Prepare: what an engine throws knows the statement, not the secret or the step.
    const failure = new StatementFailedError(
      'PostgreSQL',
      'set the password of "app"',
      { code: '42501' },
      { cause: new Error('permission denied to alter role') },
    );
    // Act
    const error = await failSetSecretWith(failure);
    // Assess
    expect(error).toBeInstanceOf(StatementFailedError);
    expect(error.name).toBe('StatementFailedError');
    expect(error.message).toBe(
      `setSecret for secret ${SECRET_ID}: PostgreSQL: set the password of "app" failed: permission denied to alter role`,
    );
    expect((error as StatementFailedError).where).toEqual({
      secretId: SECRET_ID,
      step: 'setSecret',
    });
    expect(output.join('')).toContain(`"step":"setSecret"`);
  });

  it('keeps what an error already knows and fills in only what it lacks', async () => {
    // Prepare
    const failure = new GrantParseError('returned a line that could not be parsed');
    failure.locate({ secretId: 'arn:other-secret' });
    // Act
    const error = await failSetSecretWith(failure);
    // Assess
    expect(error).toBeInstanceOf(GrantParseError);
    expect((error as GrantParseError).where).toEqual({
      secretId: 'arn:other-secret',
      step: 'setSecret',
    });
    expect(error.message).toBe(
      'setSecret for secret arn:other-secret: SHOW GRANTS returned a line that could not be parsed',
    );
  });
});
