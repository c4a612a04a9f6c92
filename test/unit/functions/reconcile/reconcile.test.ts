import { beforeEach, describe, expect, it } from 'vitest';
import { type ReconcileDeps, reconcile } from '#functions/reconcile/reconcile.js';
import { TokenBucket } from '#functions/reconcile/token-bucket.js';
import { decorate } from '#shared/aws/decorate.js';
import type { ListOptions, SecretStores } from '#shared/aws/secret-store.js';
import { replicateSecret } from '#shared/replication/replicate-secret.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';
import { CANARY, config, dbSecret, SOURCE_REGION } from '#test/fakes/replication-fixtures.js';

const TAGS = { 'rotasync:replicate-to': 'eu-west-1,us-west-2' };

/** A clock that only moves when someone sleeps: pacing is measured, not waited for. */
const fakeClock = () => {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    elapsed: () => now,
  };
};

let fake: FakeSecretsManager;
let rds: FakeRds;
let deps: ReconcileDeps;

beforeEach(() => {
  fake = new FakeSecretsManager(3);
  fake.pageSize = 7;
  rds = new FakeRds(['eu-west-1', 'us-west-2']);
  deps = {
    store: fake.store,
    rds,
    config: config(),
    writeBucket: new TokenBucket(10, 10, fakeClock()),
  };
});

const seedReplicated = async (count: number): Promise<string[]> => {
  const arns: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = `app-${String(i).padStart(3, '0')}`;
    arns.push(
      fake.seed(SOURCE_REGION, { name, value: dbSecret(name, `${CANARY}-${i}`), tags: TAGS }),
    );
    await replicateSecret({ secretId: name, sourceRegion: SOURCE_REGION }, deps);
  }
  fake.calls.length = 0;
  return arns;
};

describe('reconcile', () => {
  it('checks N unchanged secrets in R Regions with about N·R/20 value reads and no write', async () => {
    // Prepare
    await seedReplicated(45);
    fake.seed(SOURCE_REGION, { name: 'not-replicated', value: 'x' });
    // Act
    const report = await reconcile(SOURCE_REGION, {}, deps);
    // Assess
    expect(report).toEqual({
      checked: 90,
      inSync: 90,
      repaired: 0,
      failed: 0,
      dryRun: false,
      drift: [],
      errors: [],
    });
    expect(fake.count('BatchGetSecretValue', SOURCE_REGION)).toBe(3);
    expect(fake.count('BatchGetSecretValue', 'eu-west-1')).toBe(3);
    expect(fake.count('BatchGetSecretValue', 'us-west-2')).toBe(3);
    expect(fake.count('GetSecretValue')).toBe(0);
    expect(fake.count('ListSecrets', SOURCE_REGION)).toBe(7);
    expect(fake.writes()).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(CANARY);
  });

  it('reports every kind of drift in a dry run and writes nothing', async () => {
    // Prepare
    const [, stale, , gone] = await seedReplicated(4);
    fake.change(SOURCE_REGION, 'app-001', dbSecret('app-001', 'newer'));
    fake.seed(SOURCE_REGION, {
      name: 'fresh',
      value: dbSecret('fresh', 'pw'),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    fake.markDeleted(SOURCE_REGION, 'app-003');
    rds = new FakeRds(['eu-west-1']);
    fake.seed(SOURCE_REGION, {
      name: 'moved',
      value: dbSecret('moved', 'pw'),
      tags: { 'rotasync:replicate-to': 'us-west-2' },
    });
    await replicateSecret({ secretId: 'moved', sourceRegion: SOURCE_REGION }, { ...deps, rds });
    rds = new FakeRds(['eu-west-1', 'us-west-2']);
    fake.calls.length = 0;
    // Act
    const report = await reconcile(SOURCE_REGION, { dryRun: true }, { ...deps, rds });
    // Assess
    const movedArn = (await fake.store(SOURCE_REGION).describe('moved'))?.arn;
    const freshArn = (await fake.store(SOURCE_REGION).describe('fresh'))?.arn;
    expect(report.dryRun).toBe(true);
    expect(report.repaired).toBe(0);
    expect(new Set(report.drift)).toEqual(
      new Set([
        { secret: stale, region: 'eu-west-1', reason: 'stale-value', repaired: false },
        { secret: stale, region: 'us-west-2', reason: 'stale-value', repaired: false },
        { secret: freshArn, region: 'eu-west-1', reason: 'missing', repaired: false },
        { secret: movedArn, region: 'us-west-2', reason: 'wrong-endpoint', repaired: false },
        { secret: gone, region: 'eu-west-1', reason: 'extra-replica', repaired: false },
        { secret: gone, region: 'us-west-2', reason: 'extra-replica', repaired: false },
      ]),
    );
    expect(fake.writes()).toEqual([]);
  });

  it('repairs drift through replication, leaving extra replicas when deletes are off', async () => {
    // Prepare
    await seedReplicated(3);
    fake.change(SOURCE_REGION, 'app-001', dbSecret('app-001', 'newer'));
    fake.seed(SOURCE_REGION, {
      name: 'fresh',
      value: dbSecret('fresh', 'pw'),
      tags: { 'rotasync:replicate-to': 'eu-west-1' },
    });
    fake.markDeleted(SOURCE_REGION, 'app-002');
    // Act
    const report = await reconcile(SOURCE_REGION, {}, deps);
    // Assess
    expect(report).toMatchObject({ checked: 5, inSync: 2, repaired: 3, failed: 0 });
    expect(report.drift.filter((d) => d.reason === 'extra-replica').map((d) => d.repaired)).toEqual(
      [false, false],
    );
    expect(JSON.parse(fake.currentValue('us-west-2', 'app-001') ?? '{}')).toMatchObject({
      password: 'newer',
      host: 'app-001.us-west-2.rds.example.com',
    });
    expect(fake.exists('eu-west-1', 'fresh')).toBe(true);
    expect(fake.exists('eu-west-1', 'app-002')).toBe(true);
    const again = await reconcile(SOURCE_REGION, {}, deps);
    expect(again.drift.map((d) => d.reason)).toEqual(['extra-replica', 'extra-replica']);
  });

  it('deletes extra replicas when deletes are replicated', async () => {
    // Prepare
    await seedReplicated(2);
    fake.markDeleted(SOURCE_REGION, 'app-000');
    // Act
    const report = await reconcile(
      SOURCE_REGION,
      {},
      { ...deps, config: config({ replicateDeletes: true }) },
    );
    // Assess
    expect(report.repaired).toBe(2);
    expect(fake.exists('eu-west-1', 'app-000')).toBe(false);
    expect(fake.exists('us-west-2', 'app-000')).toBe(false);
    expect(fake.exists('us-west-2', 'app-001')).toBe(true);
  });

  it('paces its write calls through the token bucket', async () => {
    // Prepare
    for (let i = 0; i < 15; i += 1) {
      fake.seed(SOURCE_REGION, { name: `n${i}`, value: dbSecret(`n${i}`, 'pw'), tags: TAGS });
    }
    const clock = fakeClock();
    // Act
    const report = await reconcile(
      SOURCE_REGION,
      {},
      { ...deps, writeBucket: new TokenBucket(10, 10, clock), concurrency: 6 },
    );
    // Assess
    expect(report.repaired).toBe(30);
    const writes = fake.writes().length;
    expect(writes).toBe(30);
    // 10 in the first burst, then 10 a second.
    expect(clock.elapsed()).toBeGreaterThanOrEqual(((writes - 10) / 10) * 1000 - 1);
  });

  it('counts a secret with a malformed tag as failed and goes on', async () => {
    // Prepare
    await seedReplicated(1);
    fake.seed(SOURCE_REGION, {
      name: 'bad',
      value: 'x',
      tags: { 'rotasync:replicate-to': 'Mars' },
    });
    // Act
    const report = await reconcile(SOURCE_REGION, {}, deps);
    // Assess
    expect(report).toMatchObject({ checked: 2, inSync: 2, failed: 1 });
    expect(report.errors[0]?.error).toMatch(/ConfigurationError: .*"Mars", not a Region name/);
  });
});

describe('reconcile: replicated-secret prefix', () => {
  /** Records what each list call asked for and which ids each batch read named. */
  const spying = (store: SecretStores, dropNameFilter = false) => {
    const lists: { region: string; options: ListOptions }[] = [];
    const batchIds: string[] = [];
    const spied: SecretStores = (region) =>
      decorate(store(region), {
        readCurrentBatch: (original, ids) => {
          batchIds.push(...ids);
          return original(ids);
        },
        list: (original, options = {}) => {
          lists.push({ region: region ?? '', options });
          const { namePrefix: _dropped, ...rest } = options;
          return original(dropNameFilter ? rest : options);
        },
      });
    return { spied, lists, batchIds };
  };

  /** team-a/ secrets in sync, team-b/ ones drifted (a stale value and an extra replica). */
  const seedTwoTeams = async (): Promise<string[]> => {
    const teamB: string[] = [];
    for (const team of ['team-a', 'team-b']) {
      for (const n of [1, 2]) {
        const name = `${team}/db-${n}`;
        const arn = fake.seed(SOURCE_REGION, { name, value: dbSecret(name, 'pw'), tags: TAGS });
        if (team === 'team-b') teamB.push(arn, name);
        await replicateSecret({ secretId: name, sourceRegion: SOURCE_REGION }, deps);
      }
    }
    fake.change(SOURCE_REGION, 'team-b/db-1', dbSecret('team-b/db-1', 'newer'));
    fake.markDeleted(SOURCE_REGION, 'team-b/db-2');
    fake.calls.length = 0;
    return teamB;
  };

  it('lists with the name filter and never reads or repairs a secret outside the prefix', async () => {
    // Prepare
    const teamB = await seedTwoTeams();
    const { spied, lists, batchIds } = spying(fake.store);
    const scoped: ReconcileDeps = {
      ...deps,
      store: spied,
      config: config({ replicatedSecretPrefix: 'team-a/', replicateDeletes: true }),
    };
    // Act
    const report = await reconcile(SOURCE_REGION, {}, scoped);
    // Assess
    expect(report).toMatchObject({ checked: 4, inSync: 4, repaired: 0, failed: 0, drift: [] });
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every(({ options }) => options.namePrefix === 'team-a/')).toBe(true);
    expect(new Set(lists.map(({ region }) => region))).toEqual(
      new Set([SOURCE_REGION, 'eu-west-1', 'us-west-2']),
    );
    expect(batchIds.filter((id) => teamB.includes(id))).toEqual([]);
    expect(fake.calls.filter((call) => teamB.includes(call.secretId ?? ''))).toEqual([]);
    expect(fake.writes()).toEqual([]);
  });

  it('keeps out secrets outside the prefix that a looser listing returns', async () => {
    // Prepare
    const teamB = await seedTwoTeams();
    const { spied, batchIds } = spying(fake.store, true);
    const scoped: ReconcileDeps = {
      ...deps,
      store: spied,
      config: config({ replicatedSecretPrefix: 'team-a/', replicateDeletes: true }),
    };
    // Act
    const report = await reconcile(SOURCE_REGION, {}, scoped);
    // Assess
    expect(report).toMatchObject({ checked: 4, inSync: 4, repaired: 0, failed: 0, drift: [] });
    expect(batchIds.filter((id) => teamB.includes(id))).toEqual([]);
    expect(fake.writes()).toEqual([]);
  });

  it('sweeps every secret, without a name filter, when the prefix is empty', async () => {
    // Prepare
    await seedTwoTeams();
    const { spied, lists } = spying(fake.store);
    // Act
    const report = await reconcile(SOURCE_REGION, { dryRun: true }, { ...deps, store: spied });
    // Assess
    expect(lists.every(({ options }) => options.namePrefix === undefined)).toBe(true);
    expect(report.checked).toBe(6);
    expect(report.drift.map((d) => d.reason).sort()).toEqual([
      'extra-replica',
      'extra-replica',
      'stale-value',
      'stale-value',
    ]);
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then one token per 1/rate seconds', async () => {
    // Prepare
    const clock = fakeClock();
    const bucket = new TokenBucket(5, 2, clock);
    const times: number[] = [];
    // Act
    await Promise.all(
      Array.from({ length: 6 }, () => bucket.take().then(() => times.push(clock.now()))),
    );
    // Assess
    expect(times).toEqual([0, 0, 200, 400, 600, 800]);
  });
});

describe('reconcile and failed-over secrets', () => {
  it('reports a failed-over target as such, writes nothing to it and counts no failure', async () => {
    // Prepare
    const [arn] = await seedReplicated(1);
    const tags = fake.tagsOf('eu-west-1', 'app-000') ?? {};
    tags['rotasync:failed-over-from'] = arn ?? '';
    delete tags['rotasync:source-arn'];
    fake.change(SOURCE_REGION, 'app-000', dbSecret('app-000', 'changed'));
    const before = fake.currentValue('eu-west-1', 'app-000');
    // Act
    const report = await reconcile(SOURCE_REGION, {}, deps);
    // Assess
    expect(report.drift).toContainEqual({
      secret: arn,
      region: 'eu-west-1',
      reason: 'failed-over',
      repaired: false,
    });
    expect(report.failed).toBe(0);
    expect(fake.currentValue('eu-west-1', 'app-000')).toBe(before);
    expect(fake.currentValue('us-west-2', 'app-000')).toContain('changed');
  });

  it('names a failed-over target in a dry run too, not as a stale value', async () => {
    // Prepare
    const [arn] = await seedReplicated(1);
    const tags = fake.tagsOf('eu-west-1', 'app-000') ?? {};
    tags['rotasync:failed-over-from'] = arn ?? '';
    delete tags['rotasync:source-arn'];
    fake.change(SOURCE_REGION, 'app-000', dbSecret('app-000', 'changed'));
    // Act
    const report = await reconcile(SOURCE_REGION, { dryRun: true }, deps);
    // Assess
    expect(report.drift).toEqual(
      expect.arrayContaining([
        { secret: arn, region: 'eu-west-1', reason: 'failed-over', repaired: false },
        { secret: arn, region: 'us-west-2', reason: 'stale-value', repaired: false },
      ]),
    );
    expect(report.drift).toHaveLength(2);
    expect(report.failed).toBe(0);
  });
});
