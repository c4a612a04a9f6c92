import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { buildReplicateHandler } from '#functions/replicate/build-handler.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { InvalidEventError } from '#shared/errors.js';
import { KnownValues } from '#shared/known-values.js';
import { redactSecrets } from '#shared/logger.js';
import { emfMetrics } from '#shared/metrics.js';
import { OUTSIDE_PREFIX_REASON } from '#shared/replication/secret-prefix.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';
import { CANARY, config, dbSecret } from '#test/fakes/replication-fixtures.js';
import { datapointsOf } from '#test/helpers/emf.js';
import { readProjectFile } from '#test/helpers/project-files.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-db-AbCdEf';

const context = {
  functionName: 'replicate',
  functionVersion: '1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:replicate',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

const sample = (name: string): unknown =>
  JSON.parse(readProjectFile(`events/replicate-${name}.json`));

/** The raw EventBridge event goes in; the chain's parse step types it. */
const invoke = <R>(handler: (event: never, ctx: Context) => Promise<R>, raw: unknown): Promise<R> =>
  handler(raw as never, context);

const setup = (replicatedSecretPrefix = '') => {
  const fake = new FakeSecretsManager(5);
  const knownValues = new KnownValues();
  const lines: string[] = [];
  const logger = new Logger({ serviceName: 'rotasync', jsonReplacerFn: redactSecrets });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const handler = buildReplicateHandler({
    deps: {
      store: (region) => rememberingStore(fake.store(region), knownValues),
      rds: new FakeRds(['eu-west-1']),
      config: config({ replicatedSecretPrefix }),
    },
    logger,
    knownValues,
    metrics: emfMetrics(new Metrics({ namespace: 'Rotasync', serviceName: 'rotasync' })),
  });
  return { fake, handler, lines };
};

describe('buildReplicateHandler', () => {
  it('replicates the secret a sample event names, logging ids and outcomes only', async () => {
    // Prepare
    const { fake, handler, lines } = setup();
    fake.seed('us-east-1', {
      arn: ARN,
      name: 'prod/app-db',
      value: dbSecret('app', CANARY),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    // Act
    const report = await invoke(handler, sample('update-secret'));
    vi.restoreAllMocks();
    // Assess
    expect(report?.regions).toEqual([{ region: 'eu-west-1', status: 'created', endpoint: 'rds' }]);
    expect(lines.join('')).toContain('replication finished');
    expect(lines.join('')).not.toContain(CANARY);
  });

  it('returns nothing for an ignored event and makes no call', async () => {
    // Prepare
    const { fake, handler } = setup();
    // Act
    const report = await invoke(handler, sample('put-secret-value-pending'));
    vi.restoreAllMocks();
    // Assess
    expect(report).toBeUndefined();
    expect(fake.calls).toEqual([]);
  });

  it('ignores and logs an event for a secret outside the prefix, making no call', async () => {
    // Prepare
    const { fake, handler, lines } = setup('staging/');
    fake.seed('us-east-1', {
      arn: ARN,
      name: 'prod/app-db',
      value: dbSecret('app', CANARY),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    // Act: a CloudTrail call, the native label move and a RotationSucceeded event.
    const reports = [
      await invoke(handler, sample('update-secret')),
      await invoke(handler, sample('label-updated')),
      await invoke(handler, sample('rotation-succeeded')),
    ];
    vi.restoreAllMocks();
    // Assess
    expect(reports).toEqual([undefined, undefined, undefined]);
    expect(fake.calls).toEqual([]);
    const ignored = lines
      .map((line) => JSON.parse(line) as { message?: string; reason?: string })
      .filter((entry) => entry.message === 'event needs no replication');
    expect(ignored.map((entry) => entry.reason)).toEqual([
      OUTSIDE_PREFIX_REASON,
      OUTSIDE_PREFIX_REASON,
      OUTSIDE_PREFIX_REASON,
    ]);
  });

  it('replicates an event for a secret under the prefix, matched on the ARN', async () => {
    // Prepare
    const { fake, handler } = setup('prod/app');
    fake.seed('us-east-1', {
      arn: ARN,
      name: 'prod/app-db',
      value: dbSecret('app', CANARY),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    // Act
    const report = await invoke(handler, sample('label-updated'));
    vi.restoreAllMocks();
    // Assess
    expect(report?.regions).toEqual([{ region: 'eu-west-1', status: 'created', endpoint: 'rds' }]);
  });

  it('rejects a malformed event with InvalidEventError before any call', async () => {
    // Prepare
    const { fake, handler } = setup();
    // Act
    const outcome = invoke(handler, { source: 'aws.secretsmanager' });
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(InvalidEventError);
    vi.restoreAllMocks();
    expect(fake.calls).toEqual([]);
  });

  it('throws when a Region failed, with no value in the logged error', async () => {
    // Prepare
    const { fake, handler, lines } = setup();
    fake.seed('us-east-1', {
      arn: ARN,
      name: 'prod/app-db',
      value: dbSecret('app', CANARY),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    fake.setDown('eu-west-1', true);
    // Act
    const outcome = invoke(handler, sample('label-updated'));
    // Assess
    await expect(outcome).rejects.toThrow(/replication failed in eu-west-1/);
    vi.restoreAllMocks();
    expect(lines.join('')).not.toContain(CANARY);
  });
});

describe('the replicate function emits the metrics contract as EMF', () => {
  const seedSource = (fake: FakeSecretsManager, regions: string) =>
    fake.seed('us-east-1', {
      arn: ARN,
      name: 'prod/app-db',
      value: dbSecret('app', CANARY),
      tags: { 'rotasync:replicate-to': regions },
    });

  it("records each written replica's lag from the source version's creation, by Region", async () => {
    // Prepare
    const { fake, handler, lines } = setup();
    seedSource(fake, 'eu-west-1');
    const now = Date.now() + 60_000;
    vi.spyOn(Date, 'now').mockReturnValue(now);
    // Act
    const report = await invoke(handler, sample('label-updated'));
    vi.restoreAllMocks();
    // Assess
    const created = Date.parse(report?.sourceVersionCreatedDate ?? '');
    expect(datapointsOf(lines, 'ReplicationLag')).toEqual([
      {
        namespace: 'Rotasync',
        name: 'ReplicationLag',
        unit: 'Milliseconds',
        value: now - created,
        dimensions: { service: 'rotasync', Region: 'eu-west-1' },
      },
    ]);
    expect(datapointsOf(lines, 'ReplicationFailed')).toEqual([]);
  });

  it('records no lag when nothing was written (a repeated event)', async () => {
    // Prepare
    const { fake, handler, lines } = setup();
    seedSource(fake, 'eu-west-1');
    await invoke(handler, sample('label-updated'));
    lines.length = 0;
    // Act
    const report = await invoke(handler, sample('label-updated'));
    vi.restoreAllMocks();
    // Assess
    expect(report?.regions.map((result) => result.status)).toEqual(['in-sync']);
    expect(datapointsOf(lines, 'ReplicationLag')).toEqual([]);
  });

  it('counts a failed Region, and still the lag of the Region that was written', async () => {
    // Prepare
    const { fake, handler, lines } = setup();
    seedSource(fake, 'eu-west-1,ap-south-1');
    fake.setDown('eu-west-1', true);
    // Act
    await expect(invoke(handler, sample('label-updated'))).rejects.toThrow(/eu-west-1/);
    vi.restoreAllMocks();
    // Assess
    expect(datapointsOf(lines, 'ReplicationFailed').map((point) => point.dimensions)).toEqual([
      { service: 'rotasync', Region: 'eu-west-1' },
    ]);
    expect(datapointsOf(lines, 'ReplicationLag').map((point) => point.dimensions)).toEqual([
      { service: 'rotasync', Region: 'ap-south-1' },
    ]);
    const metricLines = lines
      .join('')
      .split('\n')
      .filter((line) => line.includes('"_aws"'));
    for (const line of metricLines) {
      expect(line).not.toContain('prod/app-db');
      expect(line).not.toContain(CANARY);
    }
  });

  it('emits nothing for an event that needs no replication', async () => {
    // Prepare
    const { handler, lines } = setup();
    // Act
    await invoke(handler, sample('put-secret-value-pending'));
    vi.restoreAllMocks();
    // Assess
    expect(lines.join('')).not.toContain('"_aws"');
  });
});
