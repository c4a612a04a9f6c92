/**
 * The sweep never deletes the replica of a live source: not when the source's
 * `rotasync:replicate-to` tag has a typo (malformed, or a well-formed wrong Region), not when the
 * tag drops the Region, and not when ListSecrets misses the source. A replica is extra only when
 * DescribeSecret confirms its source is scheduled for deletion or gone.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type ReconcileDeps, reconcile } from '#functions/reconcile/reconcile.js';
import { TokenBucket } from '#functions/reconcile/token-bucket.js';
import type { SecretStores } from '#shared/aws/secret-store.js';
import { replicateSecret } from '#shared/replication/replicate-secret.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';
import { config, dbSecret, SOURCE_REGION } from '#test/fakes/replication-fixtures.js';

const REPLICATE_TO = 'rotasync:replicate-to';
const REGIONS = ['eu-west-1', 'us-west-2'];

let fake: FakeSecretsManager;
let deps: ReconcileDeps;

beforeEach(() => {
  fake = new FakeSecretsManager(5);
  deps = {
    store: fake.store,
    rds: new FakeRds(REGIONS),
    config: config({ replicateDeletes: true }),
    writeBucket: new TokenBucket(1000, 1000),
  };
});

/**
 * `name` replicated to both Regions, then the call log cleared. Each test also keeps `invoices`
 * replicating to both, so the sweep visits both Regions whatever happens to the secret under test.
 */
const seedReplicated = async (name: string): Promise<string> => {
  const arn = fake.seed(SOURCE_REGION, {
    name,
    value: dbSecret(name, 'pw'),
    tags: { [REPLICATE_TO]: REGIONS.join(',') },
  });
  await replicateSecret({ secretId: name, sourceRegion: SOURCE_REGION }, deps);
  fake.calls.length = 0;
  return arn;
};

beforeEach(async () => {
  await seedReplicated('invoices');
});

const retag = (name: string, value: string): void => {
  const tags = fake.tagsOf(SOURCE_REGION, name);
  if (tags === undefined) throw new Error(`no source ${name}`);
  tags[REPLICATE_TO] = value;
};

const deletes = () => fake.writes().filter((call) => call.operation === 'DeleteSecret');

describe('reconcile with replicateDeletes=true: replicas of live sources are never extra', () => {
  it('keeps the replicas of a source whose replicate-to tag is malformed', async () => {
    // Prepare: `replicateDeletes=true` and a typo that no longer parses.
    const arn = await seedReplicated('orders');
    retag('orders', 'eu-west-1;us-west-2');
    // Act
    const report = await reconcile(SOURCE_REGION, {}, deps);
    // Assess
    expect(deletes()).toEqual([]);
    expect(report.drift).toEqual([]);
    expect(report.errors).toEqual([{ secret: arn, error: expect.stringContaining(REPLICATE_TO) }]);
    for (const region of REGIONS) expect(fake.exists(region, 'orders')).toBe(true);
  });

  it.each([
    ['a well-formed typo', 'eu-west-1,us-wets-2'],
    ['none', 'none'],
  ])('reports, never deletes, a replica its source no longer names (%s)', async (_, tag) => {
    // Prepare
    const arn = await seedReplicated('orders');
    retag('orders', tag);
    // Act
    const report = await reconcile(SOURCE_REGION, {}, deps);
    // Assess
    expect(deletes()).toEqual([]);
    expect(report.drift).toContainEqual({
      secret: arn,
      region: 'us-west-2',
      reason: 'no-longer-replicated',
      repaired: false,
    });
    expect(report.drift.filter((item) => item.reason === 'extra-replica')).toEqual([]);
    expect(fake.exists('us-west-2', 'orders')).toBe(true);
  });

  it('keeps the replicas of a live source that ListSecrets did not return', async () => {
    // Prepare: a listing that lags (ListSecrets is eventually consistent) and misses `orders`.
    const arn = await seedReplicated('orders');
    const lagging: SecretStores = (region) => {
      const inner = fake.store(region);
      if (region !== SOURCE_REGION) return inner;
      return {
        ...inner,
        describe: (id) => inner.describe(id),
        list: async (options) => {
          const page = await inner.list(options);
          return { ...page, secrets: page.secrets.filter((secret) => secret.name !== 'orders') };
        },
      };
    };
    // Act
    const report = await reconcile(SOURCE_REGION, {}, { ...deps, store: lagging });
    // Assess
    expect(deletes()).toEqual([]);
    expect(report.drift).toEqual([]);
    expect(report).toMatchObject({ checked: 2, inSync: 2, failed: 0 });
    // One DescribeSecret confirmed the source lives, for both Regions' replicas.
    expect(
      fake.calls.filter((call) => call.operation === 'DescribeSecret' && call.secretId === arn),
    ).toHaveLength(1);
    for (const region of REGIONS) expect(fake.exists(region, 'orders')).toBe(true);
  });

  it('deletes the replicas once DescribeSecret confirms the source is scheduled for deletion', async () => {
    // Prepare
    const arn = await seedReplicated('orders');
    fake.markDeleted(SOURCE_REGION, 'orders');
    // Act
    const report = await reconcile(SOURCE_REGION, {}, deps);
    // Assess
    expect(report.drift.map((item) => [item.region, item.reason, item.repaired]).sort()).toEqual([
      ['eu-west-1', 'extra-replica', true],
      ['us-west-2', 'extra-replica', true],
    ]);
    expect(
      deletes()
        .map((call) => call.region)
        .sort(),
    ).toEqual(REGIONS);
    expect(
      fake.calls.filter((call) => call.operation === 'DescribeSecret' && call.secretId === arn),
    ).toHaveLength(1);
  });

  it('deletes nothing when the source cannot be described, and reports why', async () => {
    // Prepare: the source is gone from the listing, and DescribeSecret keeps failing.
    const arn = await seedReplicated('orders');
    fake.markDeleted(SOURCE_REGION, 'orders');
    fake.failNext(SOURCE_REGION, 'DescribeSecret', 10, false);
    // Act
    const report = await reconcile(SOURCE_REGION, {}, deps);
    // Assess
    expect(deletes()).toEqual([]);
    expect(report.drift).toEqual([]);
    expect(report.errors).toEqual([
      { secret: arn, error: expect.stringContaining('ThrottlingException') },
    ]);
    expect(report.failed).toBe(1);
  });

  it('never calls a replica extra when its tag names a source outside the prefix', async () => {
    // Prepare: a replica under the prefix whose source-arn tag points outside it.
    await seedReplicated('team-a/invoices');
    fake.seed('us-west-2', {
      name: 'team-a/stray',
      value: dbSecret('stray', 'pw'),
      tags: {
        'rotasync:source-arn': `arn:aws:secretsmanager:${SOURCE_REGION}:123456789012:secret:team-b/x-AbCdEf`,
      },
    });
    // Act
    const report = await reconcile(
      SOURCE_REGION,
      {},
      { ...deps, config: config({ replicateDeletes: true, replicatedSecretPrefix: 'team-a/' }) },
    );
    // Assess
    expect(deletes()).toEqual([]);
    expect(report.errors.map((entry) => entry.error)).toEqual([
      'the replica names a source outside the replicated-secret prefix',
    ]);
    expect(fake.calls.filter((call) => call.secretId?.includes('team-b/'))).toEqual([]);
  });
});
