import { beforeEach, describe, expect, it } from 'vitest';
import { type DrillDeps, drill } from '#functions/drill/drill.js';
import { parseDrillInput } from '#shared/dr/inputs.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeDatabases } from '#test/fakes/fake-recovery-databases.js';
import { CANARY, dbSecret } from '#test/fakes/replication-fixtures.js';
import { type DrWorld, drWorld, EAST, WEST, withDatabases } from './dr-fixtures.js';

let world: DrWorld;
let deps: DrillDeps;
let arn: string;
const all = parseDrillInput({}).secrets;

beforeEach(async () => {
  world = drWorld();
  arn = await world.seedReplicated('prod/db/app', CANARY);
  world.sm.calls.length = 0;
  deps = {
    secrets: world.sm.store,
    rds: world.rds,
    credentials: world.credentials,
    endpointOverrides: {},
    prefix: '',
    maxLagSeconds: 60,
  };
});

describe('drill input', () => {
  it('defaults to every replica and failing on problems', () => {
    expect(parseDrillInput(undefined)).toEqual({ secrets: { kind: 'all' }, failOnProblems: true });
    expect(
      parseDrillInput({
        secrets: { tag: { key: 'team', value: 'orders' } },
        failOnProblems: false,
      }),
    ).toEqual({
      secrets: { kind: 'tag', key: 'team', value: 'orders' },
      failOnProblems: false,
    });
    expect(() => parseDrillInput({ secrets: { names: [] } })).toThrow(/must list 1 to 100/);
    expect(() => parseDrillInput({ failOnProblems: 'no' })).toThrow(/must be true or false/);
  });
});

describe('drill', () => {
  it('finds a replica in sync, current, logging in on an available replica: ready', async () => {
    // Act
    const report = await drill(WEST, all, deps);
    // Assess
    expect(report).toEqual({
      region: WEST,
      verdict: 'ready',
      checked: 1,
      problems: 0,
      secrets: [
        {
          secret: 'prod/db/app',
          sourceArn: arn,
          value: 'in-sync',
          age: 'current',
          login: 'ok',
          database: { id: 'orders-west', status: 'available', replicaLagSeconds: null },
          problems: [],
        },
      ],
    });
    expect(world.sm.writes()).toEqual([]);
  });

  it('catches a replica older than its source', async () => {
    // Prepare: the source rotated, the replica missed it.
    world.sm.change(EAST, 'prod/db/app', dbSecret('orders', `${CANARY}-new`));
    // Act
    const report = await drill(WEST, all, deps);
    // Assess
    expect(report.verdict).toBe('not-ready');
    expect(report.secrets[0]).toMatchObject({ value: 'stale', age: 'older-than-source' });
    expect(report.secrets[0]?.problems).toEqual(['stale-value', 'older-than-source']);
    expect(report.problems).toBe(2);
  });

  it('catches a wrong endpoint, a refused login and a replica that is not available', async () => {
    // Prepare
    world.sm.change(
      WEST,
      'prod/db/app',
      dbSecret('orders', CANARY, WEST, {
        port: 6432,
        host: 'orders.us-west-2.rds.example.com',
      }).replace('6432', '6433'),
    );
    world.credentials.outcomes.set('app', { login: 'refused' });
    world.databases.setStatus('orders-west', 'storage-full');
    // Act
    const wrongEndpoint = await drill(WEST, all, deps);
    world.sm.change(WEST, 'prod/db/app', dbSecret('orders', CANARY, WEST, { port: 6432 }));
    const unavailable = await drill(WEST, all, deps);
    // Assess
    expect(wrongEndpoint.secrets[0]).toMatchObject({
      value: 'wrong-endpoint',
      login: 'refused',
      database: null,
      problems: ['wrong-endpoint', 'login-refused'],
    });
    expect(unavailable.secrets[0]?.problems).toEqual(['login-refused', 'replica-not-available']);
    expect(JSON.stringify([wrongEndpoint, unavailable])).not.toContain(CANARY);
  });

  it('reports a replica lagging beyond the bound', async () => {
    // Prepare
    world.databases.setStatus('orders-west', 'available');
    const laggingDatabases = new FakeDatabases();
    laggingDatabases.add({
      region: WEST,
      id: 'orders-west',
      endpoint: { host: 'orders.us-west-2.rds.example.com', port: 6432 },
      lagSeconds: 900,
    });
    // Act
    const report = await drill(WEST, all, {
      ...deps,
      rds: withDatabases(new FakeRds([WEST]), laggingDatabases),
    });
    // Assess
    expect(report.secrets[0]?.database).toEqual({
      id: 'orders-west',
      status: 'available',
      replicaLagSeconds: 900,
    });
    expect(report.secrets[0]?.problems).toEqual(['replica-lagging']);
  });

  it('reports an unreadable source and a named secret that is no replica', async () => {
    // Prepare
    world.sm.setDown(EAST, true);
    // Act
    const report = await drill(
      WEST,
      parseDrillInput({ secrets: { names: ['prod/db/app', 'prod/db/typo'] } }).secrets,
      deps,
    );
    // Assess
    expect(report.secrets.map((row) => [row.secret, row.value, row.age, row.problems])).toEqual([
      ['prod/db/app', 'source-unreadable', 'unknown', ['source-unreadable']],
      ['prod/db/typo', 'no-value', 'unknown', ['not-a-replica']],
    ]);
    expect(report.checked).toBe(2);
  });
});
