import { beforeEach, describe, expect, it } from 'vitest';
import { ReplicationFailedError } from '#shared/errors.js';
import { rewriteEndpoint } from '#shared/replication/endpoint-rewrite.js';
import {
  type ReplicateDeps,
  replicaToken,
  replicateSecret,
} from '#shared/replication/replicate-secret.js';
import { OUTSIDE_PREFIX_REASON } from '#shared/replication/secret-prefix.js';
import { Sensitive } from '#shared/sensitive.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';
import { CANARY, config, dbSecret, SOURCE_REGION } from '#test/fakes/replication-fixtures.js';

const TARGETS = 'eu-west-1,us-west-2';

let fake: FakeSecretsManager;
let rds: FakeRds;
let deps: ReplicateDeps;

beforeEach(() => {
  fake = new FakeSecretsManager(7);
  rds = new FakeRds(['eu-west-1', 'us-west-2']);
  deps = { store: fake.store, rds, config: config() };
});

const parsed = (region: string, name: string): Record<string, unknown> =>
  JSON.parse(fake.currentValue(region, name) ?? 'null');

describe('replicateSecret: first copy and repeats', () => {
  it('creates the replica with the KMS key, description, tags and the rewritten endpoint', async () => {
    // Prepare
    const arn = fake.seed(SOURCE_REGION, {
      name: 'prod/orders',
      value: dbSecret('orders', CANARY),
      description: 'orders database',
      tags: {
        'rotasync:replicate-to': 'eu-west-1',
        team: 'payments',
        'aws:cloudformation:stack-name': 's',
      },
    });
    deps = { ...deps, config: config({ kmsKeyIds: { 'eu-west-1': 'alias/dr' } }) };
    // Act
    const report = await replicateSecret({ secretId: arn, sourceRegion: SOURCE_REGION }, deps);
    // Assess
    expect(report.regions).toEqual([{ region: 'eu-west-1', status: 'created', endpoint: 'rds' }]);
    expect(parsed('eu-west-1', 'prod/orders')).toEqual({
      engine: 'postgres',
      host: 'orders.eu-west-1.rds.example.com',
      port: 6432,
      username: 'app',
      password: CANARY,
      dbname: 'orders',
    });
    const tags = fake.tagsOf('eu-west-1', 'prod/orders');
    expect(tags).toMatchObject({
      team: 'payments',
      'rotasync:replicate-to': 'eu-west-1',
      'rotasync:source-arn': arn,
      'rotasync:source-version': report.sourceVersionId,
    });
    expect(tags?.['aws:cloudformation:stack-name']).toBeUndefined();
    expect(tags?.['rotasync:source-version-date']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.stringify(report)).not.toContain(CANARY);
  });

  it('writes nothing when the same event comes again', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', CANARY),
      tags: { 'rotasync:replicate-to': TARGETS },
    });
    await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    const writesBefore = fake.writes().length;
    // Act
    const report = await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    // Assess
    expect(fake.writes().length).toBe(writesBefore);
    expect(report.regions.map((r) => r.status)).toEqual(['in-sync', 'in-sync']);
  });

  it('updates an existing replica with PutSecretValue under the derived token', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'one'),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    const version = fake.change(SOURCE_REGION, 'app', dbSecret('app', 'two'));
    // Act
    const report = await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    // Assess
    expect(report.regions).toEqual([{ region: 'eu-west-1', status: 'updated', endpoint: 'rds' }]);
    expect(parsed('eu-west-1', 'app').password).toBe('two');
    expect(fake.tagsOf('eu-west-1', 'app')?.['rotasync:source-version']).toBe(version);
    expect(fake.count('PutSecretValue', 'eu-west-1')).toBe(1);
  });

  it('derives the token from the source version: itself when copied as is, else a hash', () => {
    // Prepare
    const version = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
    // Act
    const plain = replicaToken(version, undefined);
    const rewritten = replicaToken(version, { host: 'h', port: 1 });
    const short = replicaToken('v1', undefined);
    // Assess
    expect(plain).toBe(version);
    expect(rewritten).toMatch(/^rs-[0-9a-f]{40}$/);
    expect(replicaToken(version, { host: 'h', port: 1 })).toBe(rewritten);
    expect(replicaToken(version, { host: 'h', port: 2 })).not.toBe(rewritten);
    expect(short).toMatch(/^rs-[0-9a-f]{40}$/);
  });
});

describe('replicateSecret: target selection', () => {
  it('ignores a secret without tag or default Regions from DescribeSecret alone', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, { name: 'plain', value: CANARY });
    // Act
    const report = await replicateSecret({ secretId: 'plain', sourceRegion: SOURCE_REGION }, deps);
    // Assess
    expect(report).toMatchObject({
      replicated: false,
      reason: 'no target Region is configured or tagged',
    });
    expect(fake.calls.map((call) => call.operation)).toEqual(['DescribeSecret']);
  });

  it('uses the default Regions, never the source Region, and honours the none opt-out', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, { name: 'a', value: dbSecret('a', 'x') });
    fake.seed(SOURCE_REGION, {
      name: 'b',
      value: dbSecret('b', 'x'),
      tags: { 'rotasync:replicate-to': 'none' },
    });
    deps = { ...deps, config: config({ defaultRegions: ['us-east-1', 'us-west-2'] }) };
    // Act
    const a = await replicateSecret({ secretId: 'a', sourceRegion: SOURCE_REGION }, deps);
    const b = await replicateSecret({ secretId: 'b', sourceRegion: SOURCE_REGION }, deps);
    // Assess
    expect(a.regions.map((r) => r.region)).toEqual(['us-west-2']);
    expect(b).toMatchObject({ replicated: false, reason: 'tag rotasync:replicate-to is none' });
    expect(fake.exists('us-west-2', 'b')).toBe(false);
  });
});

describe('replicateSecret: replicated-secret prefix', () => {
  it('touches no secret outside the prefix, by name or by ARN', async () => {
    // Prepare
    const arn = fake.seed(SOURCE_REGION, {
      name: 'staging/orders',
      value: dbSecret('orders', CANARY),
      tags: { 'rotasync:replicate-to': TARGETS },
    });
    const scoped = { ...deps, config: config({ replicatedSecretPrefix: 'prod/' }) };
    // Act
    const byName = await replicateSecret(
      { secretId: 'staging/orders', sourceRegion: SOURCE_REGION },
      scoped,
    );
    const byArn = await replicateSecret(
      { secretId: arn, sourceRegion: SOURCE_REGION, kind: 'deleted' },
      scoped,
    );
    // Assess
    for (const report of [byName, byArn]) {
      expect(report).toMatchObject({
        replicated: false,
        reason: OUTSIDE_PREFIX_REASON,
        regions: [],
      });
    }
    expect(fake.calls).toEqual([]);
  });

  it('replicates a secret under the prefix as before', async () => {
    // Prepare
    const arn = fake.seed(SOURCE_REGION, {
      name: 'prod/orders',
      value: dbSecret('orders', CANARY),
      tags: { 'rotasync:replicate-to': TARGETS },
    });
    const scoped = { ...deps, config: config({ replicatedSecretPrefix: 'prod/' }) };
    // Act
    const report = await replicateSecret({ secretId: arn, sourceRegion: SOURCE_REGION }, scoped);
    // Assess
    expect(report.replicated).toBe(true);
    expect(fake.exists('eu-west-1', 'prod/orders')).toBe(true);
    expect(fake.exists('us-west-2', 'prod/orders')).toBe(true);
  });
});

describe('replicateSecret: endpoints', () => {
  it('lets the override tag win over configuration and RDS, and copies unchanged without a replica', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'pw', SOURCE_REGION, { port: '5432' }),
      tags: {
        'rotasync:replicate-to': 'eu-west-1,us-west-2,ap-south-1',
        'rotasync:endpoint:eu-west-1': 'dr-proxy.example.com:15432',
      },
    });
    deps = {
      ...deps,
      config: config({
        endpointOverrides: {
          'eu-west-1': { host: 'cfg', port: 1 },
          'us-west-2': { host: 'cfg.example.com', port: 2 },
        },
      }),
    };
    // Act
    const report = await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    // Assess
    expect(report.regions.map((r) => [r.region, r.endpoint])).toEqual([
      ['eu-west-1', 'tag'],
      ['us-west-2', 'config'],
      ['ap-south-1', 'no-replica-found'],
    ]);
    expect(parsed('eu-west-1', 'app')).toMatchObject({
      host: 'dr-proxy.example.com',
      port: '15432',
    });
    expect(parsed('us-west-2', 'app')).toMatchObject({ host: 'cfg.example.com', port: '2' });
    expect(fake.currentValue('ap-south-1', 'app')).toBe(fake.currentValue(SOURCE_REGION, 'app'));
  });
});

describe('replicateSecret: failures', () => {
  it('isolates a Region that is down, replicates the others, then throws', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', CANARY),
      tags: { 'rotasync:replicate-to': TARGETS },
    });
    fake.setDown('eu-west-1', true);
    // Act
    const outcome = await replicateSecret(
      { secretId: 'app', sourceRegion: SOURCE_REGION },
      deps,
    ).catch((error: unknown) => error);
    // Assess
    expect(outcome).toBeInstanceOf(ReplicationFailedError);
    const report = (outcome as ReplicationFailedError).report;
    expect(report.regions.map((r) => [r.region, r.status])).toEqual([
      ['eu-west-1', 'failed'],
      ['us-west-2', 'created'],
    ]);
    // One call: the SDK client below the store has already retried (shared/aws/clients.ts).
    expect(fake.count('DescribeSecret', 'eu-west-1')).toBe(1);
    expect((outcome as Error).message).toContain('eu-west-1 (AwsCallError');
    expect((outcome as Error).message).not.toContain(CANARY);
  });

  it('refuses to overwrite a same-named secret that is not its replica', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'pw'),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    fake.seed('eu-west-1', { name: 'app', value: 'someone else' });
    // Act
    const outcome = replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    // Assess
    await expect(outcome).rejects.toThrow(/not a Rotasync replica/);
    expect(fake.currentValue('eu-west-1', 'app')).toBe('someone else');
  });
});

describe('replicateSecret: ordering', () => {
  it('does not put an older value over a newer one when its read was stale', async () => {
    // Prepare: the replica holds v2; this invocation's store returns a stale v1 first.
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'v1'),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    const stale = await fake.store(SOURCE_REGION).read('app');
    fake.change(SOURCE_REGION, 'app', dbSecret('app', 'v2'));
    await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    let first = true;
    const staleStore = (region?: string) => {
      const real = fake.store(region);
      return region !== SOURCE_REGION
        ? real
        : {
            ...real,
            read: async (id: string) => {
              if (first && stale !== undefined) {
                first = false;
                return stale;
              }
              return real.read(id);
            },
          };
    };
    const writesBefore = fake.writes('eu-west-1').length;
    // Act
    const report = await replicateSecret(
      { secretId: 'app', sourceRegion: SOURCE_REGION },
      { ...deps, store: staleStore },
    );
    // Assess
    expect(first).toBe(false);
    expect(report.regions[0]?.status).toBe('in-sync');
    expect(parsed('eu-west-1', 'app').password).toBe('v2');
    expect(fake.writes('eu-west-1').length).toBe(writesBefore);
  });

  it('repairs its own late write of an older value after a concurrent newer one', async () => {
    // Prepare: A reads v1 and stalls before writing; meanwhile v2 is made and replicated by B.
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'v0'),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    fake.change(SOURCE_REGION, 'app', dbSecret('app', 'v1'));
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let stalled: () => void = () => {};
    const reachedWrite = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    const slowStore = (region?: string) => {
      const real = fake.store(region);
      if (region === SOURCE_REGION) return real;
      return {
        ...real,
        putValue: async (...args: Parameters<typeof real.putValue>) => {
          stalled();
          await gate;
          return real.putValue(...args);
        },
      };
    };
    const a = replicateSecret(
      { secretId: 'app', sourceRegion: SOURCE_REGION },
      { ...deps, store: slowStore },
    );
    await reachedWrite;
    fake.change(SOURCE_REGION, 'app', dbSecret('app', 'v2'));
    await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    expect(parsed('eu-west-1', 'app').password).toBe('v2');
    // Act
    release();
    const report = await a;
    // Assess
    expect(report.regions[0]?.status).toBe('updated');
    expect(parsed('eu-west-1', 'app').password).toBe('v2');
    expect(fake.count('UpdateSecretVersionStage', 'eu-west-1')).toBe(1);
  });

  it('follows a rollback of the source to an older version', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'v1'),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    const v1 = (await fake.store(SOURCE_REGION).describe('app'))?.currentVersionId ?? '';
    await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    fake.change(SOURCE_REGION, 'app', dbSecret('app', 'v2'));
    await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    fake.rollback(SOURCE_REGION, 'app', v1);
    // Act
    const report = await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    // Assess
    expect(report.regions[0]?.status).toBe('updated');
    expect(parsed('eu-west-1', 'app').password).toBe('v1');
    expect(fake.count('UpdateSecretVersionStage', 'eu-west-1')).toBe(1);
  });

  it('converges under 1,000 shuffled, duplicated, concurrent deliveries while sources change', async () => {
    // Prepare
    fake = new FakeSecretsManager(20260101);
    fake.maxYields = 4;
    deps = { ...deps, store: fake.store, maxRounds: 3 };
    const names = ['s0', 's1', 's2', 's3', 's4'];
    const arns = names.map((name, i) =>
      fake.seed(SOURCE_REGION, {
        name,
        value: dbSecret(name, 'p0'),
        tags: { 'rotasync:replicate-to': i % 2 === 0 ? TARGETS : 'eu-west-1,ap-south-1' },
      }),
    );
    const queue: { secretId: string; attempt: number }[] = names.map((name) => ({
      secretId: name,
      attempt: 1,
    }));
    const deadLetters: string[] = [];
    let produced = queue.length;
    let delivered = 0;
    let changes = 0;
    const worker = async (): Promise<void> => {
      while (queue.length > 0 || produced < 1000) {
        if (produced < 1000 && (queue.length === 0 || fake.random() < 0.4)) {
          const i = Math.floor(fake.random() * names.length);
          changes += 1;
          fake.change(SOURCE_REGION, names[i] ?? 's0', dbSecret(names[i] ?? 's0', `p${changes}`));
          const copies = 1 + Math.floor(fake.random() * 3);
          for (let c = 0; c < copies; c += 1) {
            queue.push({
              secretId: fake.random() < 0.5 ? (names[i] ?? 's0') : (arns[i] ?? ''),
              attempt: 1,
            });
          }
          produced += copies;
        }
        const [event] = queue.splice(Math.floor(fake.random() * queue.length), 1);
        if (event === undefined) continue;
        delivered += 1;
        try {
          await replicateSecret(
            { secretId: event.secretId, sourceRegion: SOURCE_REGION, kind: 'value-changed' },
            deps,
          );
        } catch (error) {
          // Lambda's asynchronous retries, then the dead-letter queue.
          if (event.attempt < 3) queue.push({ ...event, attempt: event.attempt + 1 });
          else deadLetters.push(String(error));
        }
      }
    };
    // Act
    await Promise.all(Array.from({ length: 8 }, worker));
    // Assess
    expect(delivered).toBeGreaterThanOrEqual(1000);
    expect(changes).toBeGreaterThan(100);
    expect(deadLetters).toEqual([]);
    for (const [i, name] of names.entries()) {
      const regions = i % 2 === 0 ? ['eu-west-1', 'us-west-2'] : ['eu-west-1', 'ap-south-1'];
      const endpoints: Record<string, { host: string; port: number } | undefined> = {
        'eu-west-1': { host: `${name}.eu-west-1.rds.example.com`, port: 6432 },
        'us-west-2': { host: `${name}.us-west-2.rds.example.com`, port: 6432 },
        'ap-south-1': undefined,
      };
      const source = new Sensitive(fake.currentValue(SOURCE_REGION, name) ?? '');
      for (const region of regions) {
        expect(fake.currentValue(region, name)).toBe(
          rewriteEndpoint(source, endpoints[region]).reveal(),
        );
      }
    }
  });
});

describe('replicateSecret: deletion', () => {
  it('reports a deletion without replicating it by default', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'pw'),
      tags: { 'rotasync:replicate-to': TARGETS },
    });
    await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    fake.markDeleted(SOURCE_REGION, 'app');
    const writesBefore = fake.writes().length;
    // Act
    const report = await replicateSecret(
      { secretId: 'app', sourceRegion: SOURCE_REGION, kind: 'deleted' },
      deps,
    );
    // Assess
    expect(report.regions.map((r) => r.status)).toEqual([
      'deletion-not-replicated',
      'deletion-not-replicated',
    ]);
    expect(fake.writes().length).toBe(writesBefore);
    expect(fake.exists('eu-west-1', 'app')).toBe(true);
  });

  it('deletes the replicas when ROTASYNC_REPLICATE_DELETES allows it', async () => {
    // Prepare
    fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'pw'),
      tags: { 'rotasync:replicate-to': TARGETS },
    });
    await replicateSecret({ secretId: 'app', sourceRegion: SOURCE_REGION }, deps);
    fake.markDeleted(SOURCE_REGION, 'app');
    deps = { ...deps, config: config({ replicateDeletes: true }) };
    // Act
    const report = await replicateSecret(
      { secretId: 'app', sourceRegion: SOURCE_REGION, kind: 'deleted' },
      deps,
    );
    // Assess
    expect(report.regions.map((r) => r.status)).toEqual(['deleted', 'deleted']);
    expect(fake.exists('eu-west-1', 'app')).toBe(false);
    expect(fake.exists('us-west-2', 'app')).toBe(false);
  });
});

describe('replicateSecret: failed-over secrets', () => {
  const failOver = (region: string, sourceArn: string, keepReplicaTags: boolean): void => {
    const tags = fake.tagsOf(region, 'app') ?? {};
    tags['rotasync:failed-over-from'] = sourceArn;
    tags['rotasync:failed-over-at'] = '2026-01-02T00:00:00.000Z';
    if (!keepReplicaTags) {
      delete tags['rotasync:source-arn'];
      delete tags['rotasync:source-version'];
      delete tags['rotasync:source-version-date'];
    }
  };

  it('never overwrites a failed-over secret and reports it as its own status, not a failure', async () => {
    // Prepare
    const arn = fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'pw-1'),
      tags: { 'rotasync:replicate-to': TARGETS },
    });
    await replicateSecret({ secretId: arn, sourceRegion: SOURCE_REGION }, deps);
    failOver('eu-west-1', arn, false);
    // Interrupted between tagging and untagging: both kinds of tags.
    failOver('us-west-2', arn, true);
    const before = {
      eu: fake.currentValue('eu-west-1', 'app'),
      us: fake.currentValue('us-west-2', 'app'),
    };
    fake.change(SOURCE_REGION, 'app', dbSecret('app', 'pw-2'));
    const writesBefore = fake.writes().length;
    // Act
    const report = await replicateSecret({ secretId: arn, sourceRegion: SOURCE_REGION }, deps);
    // Assess
    expect(report.regions).toEqual([
      { region: 'eu-west-1', status: 'failed-over' },
      { region: 'us-west-2', status: 'failed-over' },
    ]);
    expect(fake.currentValue('eu-west-1', 'app')).toBe(before.eu);
    expect(fake.currentValue('us-west-2', 'app')).toBe(before.us);
    expect(fake.writes()).toHaveLength(writesBefore);
  });

  it('never deletes a failed-over secret', async () => {
    // Prepare
    const arn = fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'pw'),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    await replicateSecret({ secretId: arn, sourceRegion: SOURCE_REGION }, deps);
    failOver('eu-west-1', arn, false);
    fake.markDeleted(SOURCE_REGION, 'app');
    deps = { ...deps, config: config({ replicateDeletes: true }) };
    // Act
    const report = await replicateSecret(
      { secretId: arn, sourceRegion: SOURCE_REGION, kind: 'deleted' },
      deps,
    );
    // Assess
    expect(report.regions).toEqual([{ region: 'eu-west-1', status: 'failed-over' }]);
    expect(fake.exists('eu-west-1', 'app')).toBe(true);
  });

  it("does not copy a source's own failed-over tags onto its replicas", async () => {
    // Prepare: a secret failed over to us-east-1 once, now a source replicating to eu-west-1.
    const arn = fake.seed(SOURCE_REGION, {
      name: 'app',
      value: dbSecret('app', 'pw'),
      tags: {
        'rotasync:replicate-to': 'eu-west-1',
        'rotasync:failed-over-from':
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-abcdef',
        'rotasync:failed-over-at': '2026-01-02T00:00:00.000Z',
        'rotasync:failed-over-version': 'v1',
        'rotasync:failed-over-source-version': 'v0',
      },
    });
    // Act
    await replicateSecret({ secretId: arn, sourceRegion: SOURCE_REGION }, deps);
    // Assess
    const tags = fake.tagsOf('eu-west-1', 'app') ?? {};
    expect(Object.keys(tags).filter((key) => key.startsWith('rotasync:failed-over'))).toEqual([]);
    expect(tags['rotasync:source-arn']).toBe(arn);
  });
});
