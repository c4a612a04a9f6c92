/**
 * A failover end to end, on a real streaming replica promoted through the local RDS API, then
 * a failback: the recovery Region becomes the primary (its secret a rotating source whose
 * credentials write there), replication from the old Region leaves it alone, and after the
 * failback the old Region's secret is a replica that replication keeps current the other way.
 */
import { PutSecretValueCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailbackReport } from '#functions/failback/failback.js';
import type { FailoverReport } from '#functions/failover/failover.js';
import { logsIn, pgClient } from '#local-cloud/databases/clients.js';
import {
  type DrHarness,
  type DrSecret,
  EAST,
  startDrHarness,
  WEST,
} from '#test/helpers/dr-stack.js';

let dr: DrHarness;
let secret: DrSecret;
let other: DrSecret;
let westArn: string;

beforeAll(async () => {
  dr = await startDrHarness();
  secret = await dr.createReplicatedSecret('fo_app', { rotationSchedule: 'rate(7 days)' });
  other = await dr.createReplicatedSecret('fo_other');
});

afterAll(async () => {
  await dr?.stop();
});

/** Logs in with a secret's AWSCURRENT in `region` and writes a row; resolves the row count. */
const applicationWrites = async (region: string, from: DrSecret): Promise<number> => {
  const value = await dr.readJson(region, from.name);
  const client = pgClient(
    { ...dr.replica, port: Number(value.port) },
    String(value.username),
    String(value.password),
  );
  await client.connect();
  try {
    const table = pg.escapeIdentifier(dr.tableOf(from));
    await client.query(`INSERT INTO ${table} (note) VALUES ('written after the failover')`);
    const rows = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return Number(rows.rows[0]?.n);
  } finally {
    await client.end();
  }
};

describe('failover end to end', () => {
  it('promotes the replica for real and turns the replica secret into a rotating source', async () => {
    // Act
    const report = (await dr.invoke('failover', {
      region: WEST,
      confirm: WEST,
      secrets: { names: [secret.name] },
    })) as FailoverReport;
    const outcomes = await dr.stack.cloud.rotationsSettled();
    // Assess
    expect(report).toEqual({
      region: WEST,
      dryRun: false,
      state: 'done',
      databases: [{ id: 'orders-db-west', kind: 'instance', status: 'promoted' }],
      secrets: [
        {
          secret: secret.name,
          status: 'done',
          checks: { login: 'ok', write: 'ok' },
          rotation: 'enabled',
        },
      ],
    });
    expect(await dr.replicaInRecovery()).toBe(false);
    expect(dr.rds.instances().find((i) => i.identifier === 'orders-db-west')).toMatchObject({
      status: 'available',
      sourceArn: undefined,
    });
    const tags = await dr.tags(WEST, secret.name);
    expect(tags).toMatchObject({
      'rotasync:failed-over-from': secret.arn,
      'rotasync:replicate-to': 'none',
      team: 'orders',
    });
    expect(tags['rotasync:source-arn']).toBeUndefined();
    const described = await dr.describe(WEST, secret.name);
    westArn = described.ARN ?? '';
    expect(described.RotationEnabled).toBe(true);
    expect(described.RotationLambdaARN).toBe(dr.stack.functionArn('rotate', WEST));
    // The source's schedule, read from the source while its Region answers.
    expect(described.RotationRules?.ScheduleExpression).toBe('rate(7 days)');
    // RotateImmediately=false: only the configuration test ran (testSecret), and it passed.
    const test = outcomes.find((outcome) => outcome.secretArn === westArn);
    expect(test?.steps?.map((step) => [step.step, step.ok])).toEqual([['testSecret', true]]);
    expect(test?.failedStep).toBeUndefined();
    expect((await dr.readJson(WEST, secret.name)).password).toBe(secret.password);
    expect(await applicationWrites(WEST, secret)).toBe(1);
  });

  it('finishes the other secret on the same database without promoting it again', async () => {
    // Act
    const report = (await dr.invoke('failover', { region: WEST, confirm: WEST })) as FailoverReport;
    // Assess
    expect(report.state).toBe('done');
    expect(report.databases).toEqual([
      { id: 'orders-db-west', kind: 'instance', status: 'already-promoted' },
    ]);
    expect(report.secrets).toEqual([
      { secret: secret.name, status: 'already-done', rotation: 'already-enabled' },
      {
        secret: other.name,
        status: 'done',
        checks: { login: 'ok', write: 'ok' },
        rotation: 'enabled',
      },
    ]);
    const promotions = dr.stack.cloud.requestLog
      .entries()
      .filter((entry) => entry.operation === 'PromoteReadReplica');
    expect(promotions).toHaveLength(1);
  });

  it('rotates in the recovery Region with its own rotate function, and the application writes', async () => {
    // Act
    await dr.sm(WEST).send(new RotateSecretCommand({ SecretId: secret.name }));
    const outcomes = await dr.stack.cloud.rotationsSettled();
    // Assess
    expect(outcomes.at(-1)).toMatchObject({ region: WEST, failedStep: undefined });
    const rotated = await dr.readJson(WEST, secret.name);
    expect(rotated.password).not.toBe(secret.password);
    expect(await logsIn({ ...dr.replica }, secret.username, String(rotated.password))).toBe(true);
    expect(await logsIn({ ...dr.replica }, secret.username, secret.password)).toBe(false);
    expect(await applicationWrites(WEST, secret)).toBe(2);
  });

  it('leaves the failed-over secret alone when the old source changes (replicate refuses)', async () => {
    // Prepare
    const before = await dr.readJson(WEST, secret.name);
    const value = await dr.readJson(EAST, secret.arn);
    // Act
    await dr.putJson(EAST, secret.arn, { ...value, note: 'the old Region is back and writes' });
    const deliveries = await dr.stack.events.flush();
    // Assess
    expect(await dr.readJson(WEST, secret.name)).toEqual(before);
    expect(deliveries.filter((d) => d.target === 'replicate' && d.outcome === 'failed')).toEqual(
      [],
    );
    expect(dr.stack.events.deadLetters()).toEqual([]);
    const replicated = dr.functionOutput.filter((line) => line.includes('"failed-over"'));
    expect(replicated.length).toBeGreaterThan(0);
  });
});

describe('failback', () => {
  it('refuses to overwrite the old secret that changed after the failover, unless forced', async () => {
    // Act
    const refused = (await dr.invoke('failback', {
      region: EAST,
      confirm: EAST,
      secrets: { names: [secret.name] },
    })) as FailbackReport;
    // Assess
    expect(refused).toMatchObject({
      region: EAST,
      from: WEST,
      state: 'failed',
      secrets: [{ secret: secret.name, status: 'changed-after-failover' }],
    });
    expect((await dr.tags(EAST, secret.arn))['rotasync:source-arn']).toBeUndefined();
  });

  it('makes the old secrets replicas, and replication runs the other way', async () => {
    // Prepare: a rotation of the other secret was under way in the old Region when it fell.
    const leftover = await dr.sm(EAST).send(
      new PutSecretValueCommand({
        SecretId: other.arn,
        SecretString: JSON.stringify({
          ...(await dr.readJson(EAST, other.arn)),
          password: 'pending-before-the-disaster',
        }),
        VersionStages: ['AWSPENDING'],
      }),
    );
    // Act
    const report = (await dr.invoke('failback', {
      region: EAST,
      confirm: EAST,
      force: true,
    })) as FailbackReport;
    await dr.stack.events.flush();
    // Assess
    expect(report).toEqual({
      region: EAST,
      from: WEST,
      dryRun: false,
      state: 'done',
      secrets: [
        { secret: secret.name, status: 'now-replica' },
        { secret: other.name, status: 'now-replica' },
      ],
    });
    const old = await dr.describe(EAST, secret.arn);
    const oldTags = Object.fromEntries((old.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(oldTags['rotasync:source-arn']).toBe(westArn);
    expect(old.RotationEnabled).toBe(false);
    // The interrupted rotation's AWSPENDING is gone, so no later rotation there resumes it.
    const otherOld = await dr.describe(EAST, other.arn);
    expect(leftover.VersionId).toBeDefined();
    // A version left without labels is deprecated: DescribeSecret no longer lists it.
    expect(otherOld.VersionIdsToStages?.[leftover.VersionId ?? '']).toBeUndefined();
    expect(Object.values(otherOld.VersionIdsToStages ?? {}).flat()).not.toContain('AWSPENDING');
    expect((await dr.tags(WEST, secret.name))['rotasync:replicate-to']).toBe(EAST);
    const west = await dr.readJson(WEST, secret.name);
    expect((await dr.readJson(EAST, secret.arn)).password).toBe(west.password);

    // A rotation in the promoted Region reaches the old one through replicate.
    await dr.sm(WEST).send(new RotateSecretCommand({ SecretId: secret.name }));
    await dr.stack.cloud.rotationsSettled();
    await dr.stack.events.flush();
    const rotated = await dr.readJson(WEST, secret.name);
    expect(rotated.password).not.toBe(west.password);
    expect((await dr.readJson(EAST, secret.arn)).password).toBe(rotated.password);

    const again = (await dr.invoke('failback', { region: EAST, confirm: EAST })) as FailbackReport;
    expect(again.secrets.map((s) => s.status)).toEqual(['already-replica', 'already-replica']);
    // No password, old or rotated, ever reached a log line of any function.
    const output = dr.functionOutput.join('\n');
    for (const password of [secret.password, west.password, rotated.password]) {
      expect(output).not.toContain(String(password));
    }
  });
});
