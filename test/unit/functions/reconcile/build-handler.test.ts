import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildReconcileHandler } from '#functions/reconcile/build-handler.js';
import { readReconcileConfig } from '#functions/reconcile/config.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { ConfigurationError, InvalidEventError, SweepIncompleteError } from '#shared/errors.js';
import { KnownValues } from '#shared/known-values.js';
import { redactSecrets } from '#shared/logger.js';
import { emfMetrics } from '#shared/metrics.js';
import { replicateSecret } from '#shared/replication/replicate-secret.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';
import { CANARY, config, dbSecret, SOURCE_REGION } from '#test/fakes/replication-fixtures.js';
import { captureOutput } from '#test/helpers/captured-output.js';
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
  const lines = captureOutput();
  const handler = buildReconcileHandler({
    deps: { ...deps, store: (region) => rememberingStore(fake.store(region), knownValues) },
    region: SOURCE_REGION,
    logger: new Logger({ serviceName: 'rotasync', jsonReplacerFn: redactSecrets }),
    knownValues,
    metrics: emfMetrics(new Metrics({ namespace: 'Rotasync', serviceName: 'rotasync' })),
    reserveMs: 1_000,
    continueSweep: async () => undefined,
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
  it('reads the Region, the paces and the reserve, with their defaults', () => {
    // Act
    const config = readReconcileConfig({ AWS_REGION: 'eu-west-1' });
    // Assess
    expect(config).toEqual({
      region: 'eu-west-1',
      writesPerSecond: 10,
      readsPerSecond: 80,
      reserveSeconds: 60,
    });
  });

  it.each([
    [{}],
    [{ AWS_REGION: 'eu-west-1', ROTASYNC_RECONCILE_WRITES_PER_SECOND: '0' }],
    [{ AWS_REGION: 'eu-west-1', ROTASYNC_RECONCILE_WRITES_PER_SECOND: 'fast' }],
    [{ AWS_REGION: 'eu-west-1', ROTASYNC_RECONCILE_READS_PER_SECOND: '-1' }],
    [{ AWS_REGION: 'eu-west-1', ROTASYNC_RECONCILE_RESERVE_SECONDS: 'soon' }],
  ])('refuses %o', (env) => {
    // Act
    const read = () => readReconcileConfig(env);
    // Assess
    expect(read).toThrow(ConfigurationError);
  });
});

describe('a sweep longer than one invocation', () => {
  const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rotasync-test-reconcile';

  /** Twelve drifted secrets, one per ListSecrets page, and a chain whose deadline is at once. */
  const longSweep = async () => {
    const fake = new FakeSecretsManager(11);
    fake.pageSize = 1;
    const deps = { store: fake.store, rds: new FakeRds(['eu-west-1']), config: config() };
    for (let index = 0; index < 12; index += 1) {
      fake.seed(SOURCE_REGION, {
        name: `app-${String(index).padStart(2, '0')}`,
        value: dbSecret('app', `${CANARY}-${index}`),
        tags: { 'rotasync:replicate-to': 'eu-west-1' },
      });
    }
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const handOvers: { arn: string; event: unknown }[] = [];
    const continueSweep = vi.fn(async (arn: string, event: unknown) => {
      handOvers.push({ arn, event });
    });
    const handler = buildReconcileHandler({
      deps,
      region: SOURCE_REGION,
      logger: new Logger({ serviceName: 'rotasync', jsonReplacerFn: redactSecrets }),
      knownValues: new KnownValues(),
      metrics: emfMetrics(new Metrics({ namespace: 'Rotasync', serviceName: 'rotasync' })),
      reserveMs: 1_000,
      continueSweep,
    });
    // The Lambda has exactly the reserve left: each part reads one page, then hands over.
    const shortContext = {
      ...context,
      invokedFunctionArn: ARN,
      getRemainingTimeInMillis: () => 1_000,
    } as Context;
    return { fake, handler, handOvers, continueSweep, shortContext, lines };
  };

  it('hands over to its next part before its deadline, and the parts together repair everything', async () => {
    // Prepare
    const { fake, handler, handOvers, shortContext, lines } = await longSweep();
    // Act: run each part the way Lambda would, with the event the part before handed over.
    let report = await handler({ dryRun: false }, shortContext);
    let parts = 1;
    while (report.continuation !== undefined) {
      const next = handOvers.at(-1);
      expect(next?.arn).toBe(ARN);
      report = await handler(next?.event as never, shortContext);
      parts += 1;
    }
    // Assess
    expect(parts).toBeGreaterThan(2);
    expect(handOvers).toHaveLength(parts - 1);
    expect(report.sweep).toMatchObject({
      part: parts,
      totals: { checked: 12, inSync: 0, repaired: 12, failed: 0, drift: 12 },
    });
    for (let index = 0; index < 12; index += 1) {
      expect(fake.currentValue('eu-west-1', `app-${String(index).padStart(2, '0')}`)).toContain(
        `${CANARY}-${index}`,
      );
    }
    const text = lines.join('');
    expect(text.match(/the sweep continues/g)).toHaveLength(parts - 1);
    expect(text.match(/"reconcile finished"/g)).toHaveLength(1);
    expect(JSON.stringify(handOvers)).not.toContain(CANARY);
  });

  it('fails with SweepIncompleteError, after logging its part, when the hand-over fails', async () => {
    // Prepare
    const { handler, continueSweep, shortContext, lines } = await longSweep();
    continueSweep.mockRejectedValueOnce(new Error('AccessDeniedException'));
    // Act
    const outcome = handler({ dryRun: true }, shortContext);
    // Assess
    await expect(outcome).rejects.toThrow(SweepIncompleteError);
    await expect(outcome).rejects.toThrow(/could not start part 2/);
    expect(lines.join('')).toContain('the sweep continues');
  });

  it('refuses a malformed continuation before any call', async () => {
    // Prepare
    const { fake, handler, shortContext } = await longSweep();
    fake.calls.length = 0;
    // Act
    const outcome = handler({ continuation: { id: 'x', part: 1 } }, shortContext);
    // Assess
    await expect(outcome).rejects.toThrow(InvalidEventError);
    expect(fake.calls).toEqual([]);
  });
});
