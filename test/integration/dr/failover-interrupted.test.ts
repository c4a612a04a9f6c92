/**
 * A failover that outlives one invocation and is interrupted after each stage, re-invoked each
 * time as an operator (or the rotasync command) would: it resumes where it stopped, never
 * promotes twice, and never makes a secret a source before its database is promoted and its
 * credentials write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailoverReport } from '#functions/failover/failover.js';
import {
  type DrHarness,
  type DrSecret,
  setPgPassword,
  startDrHarness,
  WEST,
} from '#test/helpers/dr-stack.js';

let dr: DrHarness;
let secret: DrSecret;
let late: DrSecret;

beforeAll(async () => {
  // Promotions take 2.5 s here, and an invocation waits at most 1 s for one.
  dr = await startDrHarness({
    promotionDelayMs: 2_500,
    environment: { ROTASYNC_FAILOVER_MAX_WAIT_SECONDS: '1' },
  });
  secret = await dr.createReplicatedSecret('fo_resume');
  late = await dr.createReplicatedSecret('fo_late');
});

afterAll(async () => {
  await dr?.stop();
});

/** Invokes failover in the recovery Region for one secret (by default the first). */
const failover = async (name = secret.name): Promise<FailoverReport> =>
  (await dr.invoke('failover', {
    region: WEST,
    confirm: WEST,
    secrets: { names: [name] },
  })) as FailoverReport;

/** Fails the next call of `operation` in the recovery Region (not retried: a client error). */
const failNext = (operation: string): void =>
  dr.stack.cloud.faults.failNext(operation, 1, 'InvalidRequestException', WEST);

/** Invokes until the failover is no longer in progress, as the CLI loops. */
const failoverUntilSettled = async (): Promise<FailoverReport[]> => {
  const reports = [await failover()];
  while (reports.at(-1)?.state === 'in-progress' && reports.length < 20)
    reports.push(await failover());
  return reports;
};

const isReplicaSecret = async (): Promise<boolean> => {
  const tags = await dr.tags(WEST, secret.name);
  return (
    tags['rotasync:source-arn'] === secret.arn && tags['rotasync:failed-over-from'] === undefined
  );
};

describe('failover, interrupted and resumed', () => {
  it('fails cleanly when PromoteReadReplica fails, changing nothing', async () => {
    // Prepare
    // A client error: the SDK does not retry it.
    dr.stack.cloud.faults.failNext('PromoteReadReplica', 1, 'InvalidDBInstanceState', WEST);
    // Act
    const report = await failover();
    dr.stack.cloud.faults.clear();
    // Assess
    expect(report.state).toBe('failed');
    expect(report.databases[0]).toMatchObject({ id: 'orders-db-west', status: 'failed' });
    expect(await dr.replicaInRecovery()).toBe(true);
    expect(await isReplicaSecret()).toBe(true);
  });

  it('reports in-progress while the promotion outlives the invocation, then waits it out', async () => {
    // Act
    const reports = await failoverUntilSettled();
    // Assess
    expect(reports[0]).toMatchObject({
      state: 'in-progress',
      databases: [{ status: 'promoting' }],
      secrets: [{ status: 'waiting-for-database' }],
    });
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.at(-1)?.databases[0]?.status).toBe('promoted');
    expect(await dr.replicaInRecovery()).toBe(false);
    const promotions = dr.stack.cloud.requestLog
      .entries()
      .filter((entry) => entry.operation === 'PromoteReadReplica' && entry.outcome === 'ok');
    expect(promotions).toHaveLength(1);
  });

  it('keeps a secret a replica while its credentials fail, and resumes after each later stage', async () => {
    // Prepare: the database is promoted (above); this secret's password was changed there.
    await setPgPassword(dr.replica, late.username, 'not-the-secret-anymore');
    // Act
    const report = await failover(late.name);
    // Assess
    expect(report.secrets[0]).toMatchObject({
      status: 'failed',
      checks: { login: 'refused' },
    });
    const tags = await dr.tags(WEST, late.name);
    expect(tags['rotasync:source-arn']).toBe(late.arn);
    expect(tags['rotasync:failed-over-from']).toBeUndefined();

    // Stages 3 and 4, each interrupted once, then finished.
    await setPgPassword(dr.replica, late.username, late.password);
    failNext('TagResource');
    const tagFailed = await failover(late.name);
    expect(tagFailed.secrets[0]?.status).toBe('failed');
    expect((await dr.tags(WEST, late.name))['rotasync:failed-over-from']).toBeUndefined();

    failNext('UntagResource');
    const untagFailed = await failover(late.name);
    expect(untagFailed.secrets[0]?.status).toBe('failed');
    expect(await dr.tags(WEST, late.name)).toMatchObject({
      'rotasync:source-arn': late.arn,
      'rotasync:failed-over-from': late.arn,
    });

    failNext('RotateSecret');
    const rotationFailed = await failover(late.name);
    expect(rotationFailed.secrets[0]?.status).toBe('failed');
    const described = await dr.describe(WEST, late.name);
    expect(described.RotationEnabled ?? false).toBe(false);
    expect((await dr.tags(WEST, late.name))['rotasync:source-arn']).toBeUndefined();

    const finished = await failover(late.name);
    expect(finished).toMatchObject({
      state: 'done',
      databases: [],
      secrets: [{ secret: late.name, status: 'done', rotation: 'enabled' }],
    });
    expect((await dr.describe(WEST, late.name)).RotationEnabled).toBe(true);
  });

  it('has nothing left to do once done', async () => {
    // Act
    const report = await failover();
    // Assess
    expect(report).toEqual({
      region: WEST,
      dryRun: false,
      state: 'done',
      databases: [],
      secrets: [{ secret: secret.name, status: 'already-done', rotation: 'already-enabled' }],
    });
  });
});
