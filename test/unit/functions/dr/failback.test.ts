import { beforeEach, describe, expect, it } from 'vitest';
import { failback } from '#functions/failback/failback.js';
import { failover } from '#functions/failover/failover.js';
import { parseFailbackInput, parseFailoverInput } from '#shared/dr/inputs.js';
import { replicateSecret } from '#shared/replication/replicate-secret.js';
import { Sensitive } from '#shared/sensitive.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { CANARY, config, dbSecret } from '#test/fakes/replication-fixtures.js';
import { type DrWorld, drWorld, EAST, fakeTime, WEST } from './dr-fixtures.js';

let world: DrWorld;
let eastArn: string;
let westArn: string;
const rds = new FakeRds([EAST, WEST]);

const failbackInput = (extra: Record<string, unknown> = {}) =>
  parseFailbackInput({ region: EAST, confirm: EAST, ...extra }, WEST);

const deps = () => ({ secrets: world.sm.store, rds, config: config(), region: WEST });

beforeEach(async () => {
  world = drWorld();
  eastArn = await world.seedReplicated('prod/db/app', CANARY);
  await failover(
    parseFailoverInput({ region: WEST, confirm: WEST }, WEST),
    world.failoverDeps(),
    fakeTime(60_000).deadline,
  );
  westArn = world.sm.metaOf(WEST, 'prod/db/app')?.arn ?? '';
  // After the failover, the application rotates in the recovery Region.
  world.sm.change(WEST, 'prod/db/app', dbSecret('orders', `${CANARY}-west`, WEST, { port: 6432 }));
  world.sm.calls.length = 0;
});

describe('failback input', () => {
  it('needs the old Region confirmed, and not this one', () => {
    expect(() => parseFailbackInput({ region: EAST }, WEST)).toThrow(/must repeat the Region/);
    expect(() => parseFailbackInput({ region: WEST, confirm: WEST }, WEST)).toThrow(
      /names this function's own Region/,
    );
  });
});

describe('failback', () => {
  it("makes the old Region's secret a replica of the promoted one, and replication runs back", async () => {
    // Act
    const report = await failback(failbackInput(), deps());
    // Assess
    expect(report).toEqual({
      region: EAST,
      from: WEST,
      dryRun: false,
      state: 'done',
      secrets: [{ secret: 'prod/db/app', status: 'now-replica' }],
    });
    const old = world.sm.metaOf(EAST, 'prod/db/app');
    expect(old?.rotationEnabled).toBe(false);
    expect(old?.tags).toMatchObject({
      'rotasync:source-arn': westArn,
      'rotasync:source-version': world.sm.metaOf(WEST, 'prod/db/app')?.currentVersionId,
    });
    expect(world.sm.tagsOf(WEST, 'prod/db/app')?.['rotasync:replicate-to']).toBe(EAST);
    expect(JSON.parse(world.sm.currentValue(EAST, 'prod/db/app') ?? '{}')).toMatchObject({
      password: `${CANARY}-west`,
      host: 'orders.us-east-1.rds.example.com',
    });

    // A later change in the promoted Region reaches the old one through replication.
    world.sm.change(WEST, 'prod/db/app', dbSecret('orders', `${CANARY}-again`, WEST));
    const replicated = await replicateSecret(
      { secretId: westArn, sourceRegion: WEST },
      { store: world.sm.store, rds, config: config() },
    );
    expect(replicated.regions).toEqual([{ region: EAST, status: 'updated', endpoint: 'rds' }]);
    expect(world.sm.currentValue(EAST, 'prod/db/app')).toContain(`${CANARY}-again`);
    expect(JSON.stringify(report)).not.toContain(CANARY);
  });

  it('has nothing to do the second time, and continues after an interruption', async () => {
    // Prepare: the first run stops after tagging the old secret.
    world.sm.failNext(WEST, 'TagResource', 1, false);
    const interrupted = await failback(failbackInput(), deps());
    // Act
    const resumed = await failback(failbackInput(), deps());
    const again = await failback(failbackInput(), deps());
    // Assess
    expect(interrupted.secrets[0]?.status).toBe('failed');
    expect(world.sm.calls.filter((c) => c.operation === 'CancelRotateSecret')).toHaveLength(1);
    expect(resumed.secrets[0]?.status).toBe('now-replica');
    expect(again.secrets[0]?.status).toBe('already-replica');
  });

  it('refuses to overwrite an old secret that changed after the failover, unless forced', async () => {
    // Prepare: the old Region came back and rotated its copy meanwhile.
    world.sm.change(EAST, 'prod/db/app', dbSecret('orders', `${CANARY}-east`, EAST));
    // Act
    const refused = await failback(failbackInput(), deps());
    const writesAfterRefusal = world.sm.writes().length;
    const forced = await failback(failbackInput({ force: true }), deps());
    // Assess
    expect(refused.state).toBe('failed');
    expect(refused.secrets[0]).toMatchObject({ status: 'changed-after-failover' });
    expect(writesAfterRefusal).toBe(0);
    expect(forced.secrets[0]?.status).toBe('now-replica');
    expect(world.sm.currentValue(EAST, 'prod/db/app')).toContain(`${CANARY}-west`);
  });

  it('removes the AWSPENDING label a rotation interrupted by the disaster left on the old secret', async () => {
    // Prepare: the old Region's rotation had created its pending version when the Region fell.
    const old = world.sm.store(EAST);
    await old.putValue(
      'prod/db/app',
      'f1a2b3c4-0000-4000-8000-00000000abcd',
      new Sensitive(dbSecret('orders', `${CANARY}-pending`, EAST)),
      {
        stages: ['AWSPENDING'],
      },
    );
    // Act
    const report = await failback(failbackInput(), deps());
    const again = await failback(failbackInput(), deps());
    // Assess
    expect(report.secrets[0]?.status).toBe('now-replica');
    const versions = (await old.describe('prod/db/app'))?.versions ?? {};
    expect(Object.values(versions).flat()).not.toContain('AWSPENDING');
    expect(again.secrets[0]?.status).toBe('already-replica');
  });

  it('changes nothing in a dry run', async () => {
    // Act
    const report = await failback(failbackInput({ dryRun: true }), deps());
    // Assess
    expect(report.secrets).toEqual([{ secret: 'prod/db/app', status: 'would-become-replica' }]);
    expect(world.sm.writes()).toEqual([]);
    expect(world.sm.tagsOf(EAST, 'prod/db/app')?.['rotasync:source-arn']).toBeUndefined();
    expect(eastArn).toContain('us-east-1');
  });
});
