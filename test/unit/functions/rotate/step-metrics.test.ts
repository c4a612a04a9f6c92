import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildRotateHandler } from '#functions/rotate/build-handler.js';
import { ROTATION_STEPS } from '#shared/inputs/rotation-event.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { emfMetrics } from '#shared/metrics.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import type { FakeSecretStore } from '#test/fakes/fake-secret-store.js';
import {
  appSecret,
  CURRENT_PASSWORD,
  depsWith,
  NEW_PASSWORD,
  rotatingStore,
  SECRET_ID,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';
import { captureOutput } from '#test/helpers/captured-output.js';
import { datapointsOf, emfDatapoints } from '#test/helpers/emf.js';
import { lambdaContext } from '#test/helpers/lambda-context.js';

const context = lambdaContext('rotasync-test-rotate');

let output: string[] = [];

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The whole chain over fakes, with the real EMF adapter and a clock that ticks 5 ms a read. */
const handlerOver = (store: FakeSecretStore, database: FakeDatabase) => {
  let clock = 0;
  const metrics = emfMetrics(new Metrics({ namespace: 'Rotasync', serviceName: 'rotasync' }));
  const handler = buildRotateHandler({
    deps: { ...depsWith(store, database), log: logger },
    logger,
    knownValues: new KnownValues(),
    metrics,
    timeoutMarginMs: 2000,
  });
  // The middleware reads the clock through performance.now.
  vi.spyOn(performance, 'now').mockImplementation(() => {
    clock += 5;
    return clock;
  });
  return (event: unknown) => handler(event as never, context);
};

const step = (Step: string) => ({ Step, SecretId: SECRET_ID, ClientRequestToken: TOKEN });

describe('the rotate function emits the metrics contract as EMF', () => {
  it('measures every step as a success and counts one rotation when finishSecret promotes', async () => {
    // Prepare
    const invoke = handlerOver(
      rotatingStore(appSecret()),
      new FakeDatabase({ app: CURRENT_PASSWORD }),
    );
    // Act
    for (const name of ROTATION_STEPS) await invoke(step(name));
    // Assess
    const durations = datapointsOf(output, 'RotationStepDuration');
    expect(durations.map((point) => point.dimensions)).toEqual(
      ROTATION_STEPS.map((name) => ({ service: 'rotasync', Step: name, Outcome: 'success' })),
    );
    expect(durations.every((point) => point.unit === 'Milliseconds')).toBe(true);
    expect(durations.every((point) => point.value > 0)).toBe(true);
    expect(durations.every((point) => point.namespace === 'Rotasync')).toBe(true);
    expect(datapointsOf(output, 'RotationSucceeded')).toEqual([
      {
        namespace: 'Rotasync',
        name: 'RotationSucceeded',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'rotasync' },
      },
    ]);
    expect(datapointsOf(output, 'RotationStepFailed')).toEqual([]);
  });

  it('counts no second success when finishSecret is retried after it promoted', async () => {
    // Prepare
    const invoke = handlerOver(
      rotatingStore(appSecret()),
      new FakeDatabase({ app: CURRENT_PASSWORD }),
    );
    for (const name of ROTATION_STEPS) await invoke(step(name));
    // Act
    await invoke(step('finishSecret'));
    // Assess
    expect(datapointsOf(output, 'RotationSucceeded')).toHaveLength(1);
    expect(datapointsOf(output, 'RotationStepDuration')).toHaveLength(5);
  });

  it('records a failed step as a failure with RotationStepFailed for that step', async () => {
    // Prepare
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    const invoke = handlerOver(rotatingStore(appSecret()), database);
    await invoke(step('createSecret'));
    database.failSetPassword = new Error('permission denied');
    // Act
    await expect(invoke(step('setSecret'))).rejects.toThrow();
    // Assess
    expect(datapointsOf(output, 'RotationStepDuration').map((p) => p.dimensions)).toEqual([
      { service: 'rotasync', Step: 'createSecret', Outcome: 'success' },
      { service: 'rotasync', Step: 'setSecret', Outcome: 'failure' },
    ]);
    expect(datapointsOf(output, 'RotationStepFailed')).toEqual([
      {
        namespace: 'Rotasync',
        name: 'RotationStepFailed',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'rotasync', Step: 'setSecret' },
      },
    ]);
  });

  it('emits nothing for an event that names no valid step', async () => {
    // Prepare
    const invoke = handlerOver(rotatingStore(appSecret()), new FakeDatabase());
    // Act
    await expect(invoke({ Step: 'dropTables', SecretId: SECRET_ID })).rejects.toThrow();
    // Assess
    expect(emfDatapoints(output)).toEqual([]);
  });

  it('never puts the secret, its ARN or a password in a metric line', async () => {
    // Prepare
    const invoke = handlerOver(
      rotatingStore(appSecret()),
      new FakeDatabase({ app: CURRENT_PASSWORD }),
    );
    // Act
    for (const name of ROTATION_STEPS) await invoke(step(name));
    // Assess
    const metricLines = output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"_aws"'));
    expect(metricLines).toHaveLength(5);
    for (const line of metricLines) {
      expect(line).not.toContain(SECRET_ID);
      expect(line).not.toContain('app-db');
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(CURRENT_PASSWORD);
      expect(line).not.toContain(NEW_PASSWORD);
    }
  });
});
