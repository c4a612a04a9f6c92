/**
 * End to end, three Regions: a rotation in us-east-1 (RotateSecret with the real rotate function
 * against the real PostgreSQL primary) produces the events AWS would send, the local EventBridge
 * delivers them to the real replicate function, and each recovery Region ends with the new
 * credentials, pointed at its own database: us-west-2 at a real streaming replica (found through
 * the local RDS API as the primary's cross-Region read replica), eu-central-1, which has none,
 * unchanged. A source deletion is reported, not propagated.
 */
import {
  DeleteSecretCommand,
  RotateSecretCommand,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsIn, pgClient } from '#local-cloud/databases/clients.js';
import { startPostgresReplica } from '#local-cloud/databases/postgres-replica.js';
import type { RunningDatabase } from '#local-cloud/databases/running-database.js';
import {
  dbArn,
  EUROPE,
  PRIMARY,
  type ReplicationHarness,
  startReplicationHarness,
  WEST,
} from '#local-cloud/replication-stack.js';
import {
  createPgUser,
  postgresServer,
  randomPassword,
  uniqueName,
} from '#test/helpers/databases.js';
import { pemFile } from '#test/helpers/rotation-stack.js';

let replica: RunningDatabase;
let harness: ReplicationHarness;

beforeAll(async () => {
  const primary = postgresServer();
  replica = await startPostgresReplica(primary);
  harness = await startReplicationHarness({
    rdsInstances: [
      {
        region: PRIMARY,
        identifier: 'orders-db',
        engine: 'postgres',
        host: primary.host,
        port: primary.port,
      },
      {
        region: WEST,
        identifier: 'orders-db-west',
        engine: 'postgres',
        host: replica.host,
        port: replica.port,
        readReplicaOf: dbArn(PRIMARY, 'orders-db'),
      },
    ],
    events: { autoDeliver: true, concurrency: 2 },
    environment: { ROTASYNC_CA_BUNDLE: pemFile(primary.caCertPem ?? '') },
  });
});

afterAll(async () => {
  await harness?.stop();
  await replica?.stop();
});

/** A database secret for a new PostgreSQL user on the primary. */
const newDatabaseSecret = async () => {
  const primary = postgresServer();
  const username = uniqueName('dr');
  const password = randomPassword();
  await createPgUser(username, password);
  const value = {
    engine: 'postgres',
    host: primary.host,
    port: primary.port,
    username,
    password,
    dbname: 'postgres',
  };
  const name = uniqueName('db/orders');
  const arn = await harness.createSecret(name, JSON.stringify(value));
  return { arn, name, username, value };
};

/** Polls until `check` holds: a PostgreSQL replica replays asynchronously. */
const eventually = async (check: () => Promise<boolean>): Promise<boolean> => {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
};

describe('a rotation in the primary Region', () => {
  it('reaches every recovery Region, endpoint rewritten, and logs in on the replica', async () => {
    // Prepare
    const { arn, name, username } = await newDatabaseSecret();
    await harness.stack.events.flush();

    // Act
    const started = await harness.sm().send(
      new RotateSecretCommand({
        SecretId: arn,
        RotationLambdaARN: harness.stack.functionArn('rotate'),
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    const outcomes = await harness.stack.cloud.rotationsSettled();
    await harness.stack.events.flush();

    // Assess
    const outcome = outcomes.find((candidate) => candidate.token === started.VersionId);
    expect(outcome?.failedStep, outcome?.error).toBeUndefined();
    const source = await harness.view(PRIMARY, arn);
    const rotated = JSON.parse(source?.value ?? '{}') as Record<string, unknown>;
    expect(source?.versionId).toBe(started.VersionId);

    const west = await harness.view(WEST, name);
    expect(west?.tags['rotasync:source-arn']).toBe(arn);
    expect(west?.tags['rotasync:source-version']).toBe(started.VersionId);
    expect(JSON.parse(west?.value ?? '{}')).toEqual({
      ...rotated,
      host: replica.host,
      port: replica.port,
    });

    const europe = await harness.view(EUROPE, name);
    expect(europe?.tags['rotasync:source-version']).toBe(started.VersionId);
    expect(JSON.parse(europe?.value ?? '{}')).toEqual(rotated);

    // The replicated credentials work against the replica (read-only there).
    const password = String(rotated.password);
    expect(await eventually(() => logsIn(replica, username, password))).toBe(true);
    const session = pgClient(replica, username, password);
    await session.connect();
    const write = await session
      .query(`CREATE TABLE ${uniqueName('dr_write')} (id int)`)
      .then(() => undefined)
      .catch((error: unknown) => (error as { code?: string }).code);
    await session.end();
    expect(write).toBe('25006'); // read-only, as a replica is
    expect(harness.stack.events.deadLetters()).toEqual([]);
    // No function (rotate, replicate) printed the new password anywhere.
    expect(harness.functionOutput.length).toBeGreaterThan(0);
    expect(harness.functionOutput.join('\n')).not.toContain(password);
  });

  it('copies a tag change to the replicas without a new version', async () => {
    // Prepare
    const { arn, name } = await newDatabaseSecret();
    await harness.stack.events.flush();
    const before = await harness.view(WEST, name);

    // Act
    await harness
      .sm()
      .send(new TagResourceCommand({ SecretId: arn, Tags: [{ Key: 'team', Value: 'orders' }] }));
    await harness.stack.events.flush();

    // Assess
    const after = await harness.view(WEST, name);
    expect(after?.tags.team).toBe('orders');
    expect(after?.versionId).toBe(before?.versionId);
  });
});

describe('a deletion in the primary Region', () => {
  it('is reported, not propagated: the replicas stay', async () => {
    // Prepare
    const { arn, name } = await newDatabaseSecret();
    await harness.stack.events.flush();
    expect((await harness.view(WEST, name))?.deleted).toBe(false);
    const outputBefore = harness.functionOutput.length;

    // Act
    await harness.sm().send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 7 }));
    await harness.stack.events.flush();

    // Assess
    expect((await harness.view(PRIMARY, arn))?.deleted).toBe(true);
    for (const region of [WEST, EUROPE]) {
      expect((await harness.view(region, name))?.deleted).toBe(false);
    }
    const reports = harness.functionOutput
      .slice(outputBefore)
      .filter((line) => line.includes('replication finished') && line.includes(arn));
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.join('\n')).toContain('deletion-not-replicated');
  });
});
