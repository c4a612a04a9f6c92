import { beforeEach, describe, expect, it } from 'vitest';
import { failover } from '#functions/failover/failover.js';
import { parseFailoverInput } from '#shared/dr/inputs.js';
import { InvalidEventError } from '#shared/errors.js';
import { CANARY } from '#test/fakes/replication-fixtures.js';
import { type DrWorld, drWorld, fakeTime, ROTATE_WEST, WEST } from './dr-fixtures.js';

let world: DrWorld;
let sourceArn: string;

const input = (extra: Record<string, unknown> = {}) =>
  parseFailoverInput({ region: WEST, confirm: WEST, ...extra }, WEST);

beforeEach(async () => {
  world = drWorld();
  sourceArn = await world.seedReplicated('prod/db/app', CANARY);
  await world.seedReplicated('prod/db/reports', `${CANARY}-2`, 'reports');
  world.sm.calls.length = 0;
});

describe('failover input', () => {
  it('refuses a failover whose confirm does not repeat the Region, or another Region', () => {
    expect(() => parseFailoverInput({ region: WEST }, WEST)).toThrow(InvalidEventError);
    expect(() => parseFailoverInput({ region: WEST, confirm: 'us-east-1' }, WEST)).toThrow(
      /must repeat the Region "us-west-2"/,
    );
    expect(() => parseFailoverInput({ region: 'us-east-1', confirm: 'us-east-1' }, WEST)).toThrow(
      /runs in us-west-2/,
    );
    expect(() => parseFailoverInput({ region: WEST, confirm: WEST, dryrun: true }, WEST)).toThrow(
      /"dryrun" is not one of/,
    );
    expect(parseFailoverInput({ region: WEST, confirm: WEST }, WEST)).toEqual({
      region: WEST,
      secrets: { kind: 'all' },
      dryRun: false,
    });
  });
});

describe('failover', () => {
  it('promotes the shared database once, then turns each replica into a rotating source', async () => {
    // Act
    const time = fakeTime(60_000);
    const report = await failover(
      input(),
      world.failoverDeps({ sleep: time.sleep }),
      time.deadline,
    );
    // Assess
    expect(report).toEqual({
      region: WEST,
      dryRun: false,
      state: 'done',
      databases: [{ id: 'orders-west', kind: 'instance', status: 'promoted' }],
      secrets: [
        {
          secret: 'prod/db/app',
          status: 'done',
          checks: { login: 'ok', write: 'ok' },
          rotation: 'enabled',
        },
        {
          secret: 'prod/db/reports',
          status: 'done',
          checks: { login: 'ok', write: 'ok' },
          rotation: 'enabled',
        },
      ],
    });
    expect(world.databases.promotions).toEqual(['orders-west']);
    const meta = world.sm.metaOf(WEST, 'prod/db/app');
    expect(meta?.tags).toMatchObject({
      'rotasync:failed-over-from': sourceArn,
      'rotasync:failed-over-at': '2026-06-01T12:00:00.000Z',
      'rotasync:failed-over-version': meta?.currentVersionId,
      'rotasync:replicate-to': 'none',
      team: 'orders',
    });
    expect(meta?.tags['rotasync:failed-over-source-version']).toBe(
      world.sm.metaOf('us-east-1', 'prod/db/app')?.currentVersionId,
    );
    expect(meta?.tags['rotasync:source-arn']).toBeUndefined();
    expect(meta?.tags['rotasync:source-version']).toBeUndefined();
    expect(meta?.tags['rotasync:source-version-date']).toBeUndefined();
    expect(meta).toMatchObject({
      rotationEnabled: true,
      rotationLambdaArn: ROTATE_WEST,
      rotationRules: { scheduleExpression: 'rate(7 days)' },
    });
    expect(JSON.stringify(report)).not.toContain(CANARY);
  });

  it('answers in-progress while the promotion outlives the invocation, then finishes without promoting twice', async () => {
    // Prepare
    world.databases.promotionRefreshes = 5;
    const time = fakeTime(2_500);
    const deps = world.failoverDeps({ sleep: time.sleep });
    // Act
    const first = await failover(input(), deps, time.deadline);
    const tagsDuring = world.sm.metaOf(WEST, 'prod/db/app')?.tags;
    time.reset();
    const second = await failover(input(), deps, fakeTime(60_000).deadline);
    // Assess
    expect(first.state).toBe('in-progress');
    expect(first.databases).toEqual([{ id: 'orders-west', kind: 'instance', status: 'promoting' }]);
    expect(first.secrets.map((s) => s.status)).toEqual([
      'waiting-for-database',
      'waiting-for-database',
    ]);
    expect(tagsDuring?.['rotasync:source-arn']).toBe(sourceArn);
    expect(tagsDuring?.['rotasync:failed-over-from']).toBeUndefined();
    expect(second.state).toBe('done');
    expect(second.databases[0]?.status).toBe('promoted');
    expect(world.databases.promotions).toEqual(['orders-west']);
  });

  it('continues after a failure at each stage, and never tags a source before its database writes', async () => {
    // Prepare: each invocation fails at the next stage.
    const deps = world.failoverDeps();
    const run = () =>
      failover(input({ secrets: { names: ['prod/db/app'] } }), deps, fakeTime(60_000).deadline);
    world.databases.promoteFailures.push(new Error('RDS is down'));
    // Act, Assess: stage 1 (promotion) fails; nothing changed.
    const promoteFailed = await run();
    expect(promoteFailed.state).toBe('failed');
    expect(promoteFailed.databases[0]).toMatchObject({
      status: 'failed',
      error: 'Error: RDS is down',
    });
    expect(world.sm.writes()).toEqual([]);

    // Stage 2 (checks): the credentials cannot write; the secret stays a replica.
    world.credentials.outcomes.set('app', { login: 'ok', write: 'read-only' });
    const checkFailed = await run();
    expect(checkFailed.secrets[0]).toMatchObject({
      status: 'failed',
      checks: { login: 'ok', write: 'read-only' },
    });
    expect(world.databases.get('orders-west')?.replica).toBe(false);
    expect(world.sm.writes()).toEqual([]);
    world.credentials.outcomes.clear();

    // Stage 3 (tags): TagResource fails; still a replica.
    world.sm.failNext(WEST, 'TagResource', 1, false);
    const tagFailed = await run();
    expect(tagFailed.secrets[0]?.status).toBe('failed');
    expect(world.sm.tagsOf(WEST, 'prod/db/app')?.['rotasync:failed-over-from']).toBeUndefined();

    // Stage 3b (untag): both kinds of tags; replication already leaves it alone.
    world.sm.failNext(WEST, 'UntagResource', 1, false);
    const untagFailed = await run();
    expect(untagFailed.secrets[0]?.status).toBe('failed');
    expect(world.sm.tagsOf(WEST, 'prod/db/app')).toMatchObject({
      'rotasync:failed-over-from': sourceArn,
      'rotasync:source-arn': sourceArn,
    });

    // Stage 4 (rotation): RotateSecret fails after the secret became a source.
    world.sm.failNext(WEST, 'RotateSecret', 1, false);
    const rotationFailed = await run();
    expect(rotationFailed.secrets[0]?.status).toBe('failed');
    expect(world.sm.tagsOf(WEST, 'prod/db/app')?.['rotasync:source-arn']).toBeUndefined();
    expect(world.sm.metaOf(WEST, 'prod/db/app')?.rotationLambdaArn).toBeUndefined();

    // Then it finishes, and once more it has nothing left to do.
    const finished = await run();
    const again = await run();
    expect(finished.secrets[0]).toMatchObject({ status: 'done', rotation: 'enabled' });
    expect(finished.state).toBe('done');
    expect(again.secrets[0]).toEqual({
      secret: 'prod/db/app',
      status: 'already-done',
      rotation: 'already-enabled',
    });
    expect(again.state).toBe('done');
    // The failed TagResource, then the one that worked: never again once tagged.
    const tagWrites = world.sm.writes().filter((call) => call.operation === 'TagResource');
    expect(tagWrites).toHaveLength(2);
    expect(world.databases.promotions).toEqual(['orders-west', 'orders-west']);
  });

  it('changes nothing in a dry run, and says what it would do', async () => {
    // Act
    const report = await failover(
      input({ dryRun: true }),
      world.failoverDeps(),
      fakeTime(1).deadline,
    );
    // Assess
    expect(report).toMatchObject({
      dryRun: true,
      state: 'done',
      databases: [{ id: 'orders-west', status: 'would-promote' }],
      secrets: [
        { secret: 'prod/db/app', status: 'would-fail-over', checks: { login: 'ok' } },
        { secret: 'prod/db/reports', status: 'would-fail-over', checks: { login: 'ok' } },
      ],
    });
    expect(world.sm.writes()).toEqual([]);
    expect(world.databases.promotions).toEqual([]);
  });

  it('uses the default schedule when the source Region does not answer', async () => {
    // Prepare
    world.sm.setDown('us-east-1', true);
    // Act
    const report = await failover(
      input({ secrets: { names: ['prod/db/app'] } }),
      world.failoverDeps(),
      fakeTime(60_000).deadline,
    );
    // Assess
    expect(report.state).toBe('done');
    expect(world.sm.metaOf(WEST, 'prod/db/app')?.rotationRules).toEqual({
      scheduleExpression: 'rate(30 days)',
    });
  });

  it('fails a database RDS reports broken, and a name that is no replica, without touching secrets', async () => {
    // Prepare
    world.databases.setStatus('orders-west', 'storage-full');
    // Act
    const report = await failover(
      input({ secrets: { names: ['prod/db/app', 'prod/db/typo'] } }),
      world.failoverDeps(),
      fakeTime(60_000).deadline,
    );
    // Assess
    expect(report.state).toBe('failed');
    expect(report.databases[0]).toMatchObject({
      status: 'failed',
      error: 'the database is storage-full',
    });
    expect(report.secrets).toEqual([
      {
        secret: 'prod/db/app',
        status: 'failed',
        error: 'database orders-west: the database is storage-full',
      },
      {
        secret: 'prod/db/typo',
        status: 'failed',
        error: 'no replica or failed-over secret of that name in us-west-2',
      },
    ]);
    expect(world.sm.writes()).toEqual([]);
  });

  it('fails a secret whose endpoint no RDS database answers for and that does not write', async () => {
    // Prepare: the replica points at a self-managed standby that is still read-only.
    world.sm.change(
      WEST,
      'prod/db/app',
      JSON.stringify({
        engine: 'postgres',
        host: 'db.internal',
        port: 5432,
        username: 'app',
        password: CANARY,
      }),
    );
    world.credentials.outcomes.set('app', { login: 'ok', write: 'read-only' });
    // Act
    const report = await failover(
      input({ secrets: { names: ['prod/db/app'] } }),
      world.failoverDeps(),
      fakeTime(60_000).deadline,
    );
    // Assess
    expect(report.databases).toEqual([]);
    expect(report.secrets[0]?.error).toMatch(
      /db\.internal:5432, which no RDS database of us-west-2 answers for/,
    );
    expect(JSON.stringify(report)).not.toContain(CANARY);
  });
});
