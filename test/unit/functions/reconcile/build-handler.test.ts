import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildReconcileHandler } from '#functions/reconcile/build-handler.js';
import { readReconcileConfig } from '#functions/reconcile/config.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { ConfigurationError } from '#shared/errors.js';
import { KnownValues } from '#shared/known-values.js';
import { redactSecrets } from '#shared/logger.js';
import { emfMetrics } from '#shared/metrics.js';
import { replicateSecret } from '#shared/replication/replicate-secret.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';
import { CANARY, config, dbSecret, SOURCE_REGION } from '#test/fakes/replication-fixtures.js';
import { datapointsOf, emfDatapoints } from '#test/helpers/emf.js';

const context = {
  functionName: 'reconcile',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

afterEach(() => {
  vi.restoreAllMocks();
});

/** The chain over fakes, one replicated secret whose replica has gone stale, and the log. */
const setup = async () => {
  const fake = new FakeSecretsManager(7);
  const knownValues = new KnownValues();
  const deps = {
    store: fake.store,
    rds: new FakeRds(['eu-west-1']),
    config: config(),
  };
  fake.seed(SOURCE_REGION, {
    name: 'app',
    value: dbSecret('app', `${CANARY}-1`),
    tags: { 'rotasync:replicate-to': 'eu-west-1' },
  });
  await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
  fake.change(SOURCE_REGION, 'app', dbSecret('app', `${CANARY}-2`));
  const lines: string[] = [];
  const capture = (chunk: unknown): boolean => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const handler = buildReconcileHandler({
    deps: { ...deps, store: (region) => rememberingStore(fake.store(region), knownValues) },
    region: SOURCE_REGION,
    logger: new Logger({ serviceName: 'rotasync', jsonReplacerFn: redactSecrets }),
    knownValues,
    metrics: emfMetrics(new Metrics({ namespace: 'Rotasync', serviceName: 'rotasync' })),
  });
  return { fake, handler, lines };
};

describe('buildReconcileHandler', () => {
  it('sweeps its Region on a dry run, writes nothing, and logs the report without values', async () => {
    // Prepare
    const { fake, handler, lines } = await setup();
    fake.calls.length = 0;
    // Act
    const report = await handler({ dryRun: true }, context);
    // Assess
    expect(report).toMatchObject({ checked: 1, inSync: 0, dryRun: true, repaired: 0 });
    expect(report.drift).toEqual([
      expect.objectContaining({ region: 'eu-west-1', reason: 'stale-value', repaired: false }),
    ]);
    expect(fake.writes()).toEqual([]);
    expect(lines.join('')).toContain('reconcile finished');
    expect(lines.join('')).not.toContain(CANARY);
  });

  it('repairs drift when the input is not a dry run', async () => {
    // Prepare
    const { fake, handler } = await setup();
    // Act
    const report = await handler(null, context);
    // Assess
    expect(report).toMatchObject({ checked: 1, repaired: 1, failed: 0, dryRun: false });
    expect(fake.currentValue('eu-west-1', 'app')).toContain(`${CANARY}-2`);
  });

  it('logs a failed sweep once and rethrows it', async () => {
    // Prepare
    const { fake, handler, lines } = await setup();
    fake.setDown(SOURCE_REGION, true);
    // Act
    const outcome = handler({ dryRun: true }, context);
    // Assess
    await expect(outcome).rejects.toThrow('NetworkingError');
    expect(lines.join('').match(/invocation failed/g)).toHaveLength(1);
    expect(emfDatapoints(lines)).toEqual([]);
  });

  it("emits the sweep's drift, repaired and failed counts as one EMF line", async () => {
    // Prepare
    const { handler, lines } = await setup();
    // Act
    await handler(null, context);
    // Assess
    const counts = ['ReconcileDrift', 'ReconcileRepaired', 'ReconcileFailed'].map((name) =>
      datapointsOf(lines, name),
    );
    expect(counts).toEqual([
      [expect.objectContaining({ value: 1, unit: 'Count', dimensions: { service: 'rotasync' } })],
      [expect.objectContaining({ value: 1, unit: 'Count', dimensions: { service: 'rotasync' } })],
      [expect.objectContaining({ value: 0, unit: 'Count', dimensions: { service: 'rotasync' } })],
    ]);
    expect(
      lines
        .join('')
        .split('\n')
        .filter((line) => line.includes('"_aws"')),
    ).toHaveLength(1);
  });
});

describe('readReconcileConfig', () => {
  it('reads the Region and the pace, 10 writes a second by default', () => {
    // Act
    const config = readReconcileConfig({ AWS_REGION: 'eu-west-1' });
    // Assess
    expect(config).toEqual({ region: 'eu-west-1', writesPerSecond: 10 });
  });

  it.each([
    [{}],
    [{ AWS_REGION: 'eu-west-1', ROTASYNC_RECONCILE_WRITES_PER_SECOND: '0' }],
    [{ AWS_REGION: 'eu-west-1', ROTASYNC_RECONCILE_WRITES_PER_SECOND: 'fast' }],
  ])('refuses %o', (env) => {
    // Act
    const read = () => readReconcileConfig(env);
    // Assess
    expect(read).toThrow(ConfigurationError);
  });
});
