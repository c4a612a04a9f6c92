/**
 * The reconcile sweep, invoked by hand as an operator would, on the local stack with two
 * recovery Regions: it finds each kind of drift (missing, stale value, wrong endpoint, extra
 * replica), its dry run writes nothing, a real run repairs all but extra replicas, which it
 * deletes only when deletions are configured to replicate.
 */
import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNT_ID,
  dbArn,
  EUROPE,
  PRIMARY,
  type ReplicationHarness,
  type ReplicationHarnessOptions,
  type SweepReport,
  startReplicationHarness,
  WEST,
} from '#local-cloud/replication-stack.js';

const WRITES = /^(Create|Put|Update|Tag|Untag|Delete|Restore|Rotate|Cancel)/;

const ENDPOINTS: Readonly<
  Record<typeof PRIMARY | typeof WEST | typeof EUROPE, { host: string; port: number }>
> = {
  [PRIMARY]: { host: 'ledger.east.local', port: 5432 },
  [WEST]: { host: 'ledger.west.local', port: 6432 },
  [EUROPE]: { host: 'ledger.europe.local', port: 7432 },
};

const options: ReplicationHarnessOptions = {
  rdsInstances: [
    { region: PRIMARY, identifier: 'ledger', engine: 'postgres', ...ENDPOINTS[PRIMARY] },
    ...([WEST, EUROPE] as const).map((region) => ({
      region,
      identifier: `ledger-${region}`,
      engine: 'postgres',
      ...ENDPOINTS[region],
      readReplicaOf: dbArn(PRIMARY, 'ledger'),
    })),
  ],
};

const secretValue = (password: string, endpoint = ENDPOINTS[PRIMARY]): string =>
  JSON.stringify({ engine: 'postgres', ...endpoint, username: 'ledger', password });

const orphanArn = `arn:aws:secretsmanager:${PRIMARY}:${ACCOUNT_ID}:secret:sweep/gone-AbCdEf`;

/** A replica in `region` whose source is gone: an extra replica. */
const createOrphan = async (harness: ReplicationHarness, region: string): Promise<void> => {
  await harness.sm(region).send(
    new CreateSecretCommand({
      Name: 'sweep/gone',
      SecretString: secretValue('orphaned', ENDPOINTS[WEST]),
      Tags: [{ Key: 'rotasync:source-arn', Value: orphanArn }],
    }),
  );
};

const driftOf = (report: SweepReport) =>
  report.drift
    .map(
      (item) =>
        `${item.secret
          .split(':')
          .at(-1)
          ?.replace(/-\w{6}$/, '')} ${item.region} ${item.reason}`,
    )
    .sort();

describe('reconcile, deletions not replicated (the default)', () => {
  let harness: ReplicationHarness;
  const arns: Record<string, string> = {};

  beforeAll(async () => {
    harness = await startReplicationHarness(options);
    for (const name of ['sweep/in-sync', 'sweep/stale', 'sweep/endpoint']) {
      // `#`, not `-1`: an ARN of the secret may begin `…:secret:sweep/endpoint-1AbCdE`, and the
      // leak scan would rightly find such a password in the ARN.
      arns[name] = await harness.createSecret(name, secretValue(`${name}#1`));
    }
    // A first sweep creates every replica (the replicate function is not wired to events here).
    const first = await harness.reconcile();
    expect(first.repaired).toBe(6);
    // Drift of every kind.
    arns['sweep/missing'] = await harness.createSecret('sweep/missing', secretValue('missing#1'));
    await harness.sm(WEST).send(
      new PutSecretValueCommand({
        SecretId: 'sweep/stale',
        SecretString: secretValue('an-older-password', ENDPOINTS[WEST]),
      }),
    );
    await harness.sm(WEST).send(
      new PutSecretValueCommand({
        SecretId: 'sweep/endpoint',
        SecretString: secretValue('sweep/endpoint#1', ENDPOINTS[PRIMARY]),
      }),
    );
    await createOrphan(harness, WEST);
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('dry run: reports every kind of drift and writes nothing', async () => {
    // Prepare
    harness.stack.cloud.requestLog.clear();

    // Act
    const report = await harness.reconcile({ dryRun: true });

    // Assess
    expect(report.dryRun).toBe(true);
    expect(driftOf(report)).toEqual([
      'sweep/endpoint us-west-2 wrong-endpoint',
      'sweep/gone us-west-2 extra-replica',
      'sweep/missing eu-central-1 missing',
      'sweep/missing us-west-2 missing',
      'sweep/stale us-west-2 stale-value',
    ]);
    expect(report).toMatchObject({ checked: 8, inSync: 4, repaired: 0, failed: 0 });
    const operations = harness.stack.cloud.requestLog.entries().map((entry) => entry.operation);
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((operation) => WRITES.test(operation))).toEqual([]);
  });

  it('repairs missing, stale and wrong-endpoint replicas; keeps the extra one', async () => {
    // Act
    const report = await harness.reconcile({ dryRun: false });

    // Assess
    expect(report).toMatchObject({ checked: 8, inSync: 4, repaired: 4, failed: 0 });
    expect(report.drift.find((item) => item.reason === 'extra-replica')?.repaired).toBe(false);
    for (const name of ['sweep/in-sync', 'sweep/stale', 'sweep/endpoint', 'sweep/missing']) {
      const source = await harness.view(PRIMARY, arns[name] ?? '');
      for (const region of [WEST, EUROPE] as const) {
        const replica = await harness.view(region, name);
        expect(JSON.parse(replica?.value ?? '{}'), `${name} in ${region}`).toEqual({
          ...JSON.parse(source?.value ?? '{}'),
          ...ENDPOINTS[region],
        });
      }
    }
    expect((await harness.view(WEST, 'sweep/gone'))?.deleted).toBe(false);

    // A second sweep finds only the extra replica it is not allowed to delete.
    const again = await harness.reconcile({});
    expect(driftOf(again)).toEqual(['sweep/gone us-west-2 extra-replica']);
    expect(again.inSync).toBe(8);
  });
});

describe('reconcile with replicateDeletes=true', () => {
  let harness: ReplicationHarness;

  beforeAll(async () => {
    harness = await startReplicationHarness({ ...options, params: { replicateDeletes: 'true' } });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('deletes an extra replica (with a recovery window)', async () => {
    // Prepare
    await harness.createSecret('sweep/kept', secretValue('kept-1'));
    await createOrphan(harness, EUROPE);

    // Act
    const report = await harness.reconcile({});

    // Assess
    expect(driftOf(report)).toEqual([
      'sweep/gone eu-central-1 extra-replica',
      'sweep/kept eu-central-1 missing',
      'sweep/kept us-west-2 missing',
    ]);
    expect(report.repaired).toBe(3);
    expect((await harness.view(EUROPE, 'sweep/gone'))?.deleted).toBe(true);
    expect((await harness.view(EUROPE, 'sweep/kept'))?.deleted).toBe(false);
  });
});
