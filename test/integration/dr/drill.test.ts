/**
 * The drill, and a failover's dry run and refusal, in a recovery Region whose database is a
 * real streaming replica that stays a replica: the drill passes, then catches each problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillReport } from '#functions/drill/drill.js';
import type { FailoverReport } from '#functions/failover/failover.js';
import { logsIn } from '#local-cloud/databases/clients.js';
import { randomPassword } from '#test/helpers/databases.js';
import {
  type DrHarness,
  EAST,
  eventually,
  setPgPassword,
  startDrHarness,
  WEST,
} from '#test/helpers/dr-stack.js';

let dr: DrHarness;

beforeAll(async () => {
  dr = await startDrHarness();
});

afterAll(async () => {
  await dr?.stop();
});

const drillOf = async (name: string): Promise<DrillReport> =>
  (await dr.invoke('drill', { secrets: { names: [name] }, failOnProblems: false })) as DrillReport;

describe('drill', () => {
  it('passes for a replica in sync whose credentials log in on an available read replica', async () => {
    // Prepare
    const secret = await dr.createReplicatedSecret('drill_ok');
    // Act
    const report = await drillOf(secret.name);
    const scheduled = (await dr.invoke('drill', {
      secrets: { names: [secret.name] },
    })) as DrillReport;
    // Assess
    expect(report).toMatchObject({ region: WEST, verdict: 'ready', checked: 1, problems: 0 });
    expect(report.secrets[0]).toMatchObject({
      secret: secret.name,
      sourceArn: secret.arn,
      value: 'in-sync',
      age: 'current',
      login: 'ok',
      database: { id: 'orders-db-west', status: 'available' },
      problems: [],
    });
    expect(report.secrets[0]?.database?.replicaLagSeconds).toEqual(expect.any(Number));
    expect(scheduled.verdict).toBe('ready');
    const metric = dr.functionOutput.find((line) => line.includes('"DrillProblems"'));
    expect(JSON.parse(metric ?? '{}')).toMatchObject({ DrillProblems: 0, Region: WEST });
    expect(dr.functionOutput.join('\n')).not.toContain(secret.password);
  });

  it('catches a stale value: the source changed and the change did not reach the replica', async () => {
    // Prepare: replication's events are queued, not delivered.
    const secret = await dr.createReplicatedSecret('drill_stale');
    const value = await dr.readJson(EAST, secret.arn);
    await dr.putJson(EAST, secret.arn, { ...value, note: 'changed in the primary Region' });
    // Act
    const report = await drillOf(secret.name);
    await dr.stack.events.flush();
    const afterReplication = await drillOf(secret.name);
    // Assess
    expect(report.verdict).toBe('not-ready');
    expect(report.secrets[0]).toMatchObject({
      value: 'stale',
      age: 'older-than-source',
      login: 'ok',
    });
    expect(report.secrets[0]?.problems).toEqual(['stale-value', 'older-than-source']);
    expect(afterReplication.verdict).toBe('ready');
  });

  it('catches a wrong endpoint: the replica secret names the primary database', async () => {
    // Prepare
    const secret = await dr.createReplicatedSecret('drill_endpoint');
    const value = await dr.readJson(WEST, secret.name);
    await dr.putJson(WEST, secret.name, { ...value, port: dr.primary.port });
    // Act
    const report = await drillOf(secret.name);
    // Assess
    expect(report.secrets[0]).toMatchObject({
      value: 'wrong-endpoint',
      login: 'ok',
      database: null,
    });
    expect(report.secrets[0]?.problems).toEqual(['wrong-endpoint']);
  });

  it('catches credentials that no longer log in', async () => {
    // Prepare: the password changed on the database behind Rotasync's back.
    const secret = await dr.createReplicatedSecret('drill_login');
    const other = randomPassword();
    await setPgPassword(dr.primary, secret.username, other);
    await eventually(() => logsIn(dr.replica, secret.username, other));
    // Act
    const report = await drillOf(secret.name);
    // Assess
    expect(report.secrets[0]).toMatchObject({ value: 'in-sync', login: 'refused' });
    expect(report.secrets[0]?.problems).toEqual(['login-refused']);
  });

  it('catches a replica database that is not available, and fails when told to', async () => {
    // Prepare
    const secret = await dr.createReplicatedSecret('drill_down');
    dr.rds.setInstanceStatus(WEST, 'orders-db-west', 'storage-full');
    try {
      // Act
      const report = await drillOf(secret.name);
      const failure = await dr
        .invoke('drill', { secrets: { names: [secret.name] } })
        .catch((error: unknown) => error as Error);
      // Assess
      expect(report.secrets[0]?.database).toMatchObject({ status: 'storage-full' });
      expect(report.secrets[0]?.problems).toEqual(['replica-not-available']);
      expect(failure).toMatchObject({ name: 'DrillFailedError' });
      expect((failure as Error).message).toContain(`${secret.name} (replica-not-available)`);
      expect((failure as Error).message).not.toContain(secret.password);
      const metrics = dr.functionOutput.filter((line) => line.includes('"DrillProblems"'));
      expect(JSON.parse(metrics.at(-1) ?? '{}')).toMatchObject({ DrillProblems: 1 });
    } finally {
      dr.rds.setInstanceStatus(WEST, 'orders-db-west', 'available');
    }
  });
});

describe('failover without a promotion', () => {
  it('refuses a failover without confirmation before any AWS call', async () => {
    // Prepare
    const before = dr.stack.cloud.requestLog.entries().length;
    // Act
    const failure = await dr
      .invoke('failover', { region: WEST, confirm: EAST })
      .catch((error: unknown) => error as Error);
    // Assess
    expect(failure).toMatchObject({ name: 'InvalidEventError' });
    expect((failure as Error).message).toContain('"confirm" must repeat the Region "us-west-2"');
    const calls = dr.stack.cloud.requestLog.entries().slice(before);
    expect(calls.filter((entry) => entry.caller === 'local-failover')).toEqual([]);
  });

  it('changes nothing in a dry run, and reports what a failover would do', async () => {
    // Prepare
    const secret = await dr.createReplicatedSecret('drill_dry');
    const tagsBefore = await dr.tags(WEST, secret.name);
    const before = dr.stack.cloud.requestLog.entries().length;
    // Act
    const report = (await dr.invoke('failover', {
      region: WEST,
      confirm: WEST,
      secrets: { names: [secret.name] },
      dryRun: true,
    })) as FailoverReport;
    // Assess
    expect(report).toEqual({
      region: WEST,
      dryRun: true,
      state: 'done',
      databases: [{ id: 'orders-db-west', kind: 'instance', status: 'would-promote' }],
      secrets: [{ secret: secret.name, status: 'would-fail-over', checks: { login: 'ok' } }],
    });
    const calls = dr.stack.cloud.requestLog.entries().slice(before);
    const writes = calls.filter((entry) => !/^(List|Describe|Get|BatchGet)/.test(entry.operation));
    expect(writes).toEqual([]);
    expect(await dr.replicaInRecovery()).toBe(true);
    expect(
      dr.rds.instances().find((i) => i.identifier === 'orders-db-west')?.sourceArn,
    ).toBeDefined();
    expect(await dr.tags(WEST, secret.name)).toEqual(tagsBefore);
  });
});
