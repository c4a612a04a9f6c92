/**
 * The official PostgreSQL alternating-users template's most reported open problem: tables owned
 * by `app_clone` are denied to `app`. Here each user creates tables across several rotations, and
 * every table stays fully usable (read, write, alter) by both users.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresServer, randomPassword, uniqueName } from '#test/helpers/databases.js';
import { postgresUnderTest } from '#test/helpers/engines-under-test.js';
import {
  pemFile,
  type RotationHarness,
  startRotationHarness,
} from '#test/helpers/rotation-stack.js';

let harness: RotationHarness;

beforeAll(async () => {
  harness = await startRotationHarness({
    environment: { ROTASYNC_CA_BUNDLE: pemFile(postgresServer().caCertPem ?? '') },
  });
});

afterAll(async () => {
  await harness?.stop();
});

const asUser = async <T>(
  credentials: { username: string; password: string },
  work: (client: pg.Client) => Promise<T>,
): Promise<T> => {
  const server = postgresServer();
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: credentials.username,
    password: credentials.password,
    database: 'postgres',
    ssl: { ca: server.caCertPem ?? '' },
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

it('keeps every table usable by both users across four rotations', async () => {
  // Prepare
  const server = postgresServer();
  const username = uniqueName('app');
  const schema = uniqueName('shop');
  await postgresUnderTest.createUser(username, randomPassword());
  const password = randomPassword();
  await postgresUnderTest.admin(`ALTER ROLE ${username} PASSWORD '${password}'`);
  await postgresUnderTest.admin(`CREATE SCHEMA ${schema} AUTHORIZATION ${username}`);
  const superuser = await harness.createSecret(uniqueName('rotasync-superuser/pg'), {
    engine: 'postgres',
    host: server.host,
    port: server.port,
    username: server.adminUser,
    password: server.adminPassword,
  });
  const arn = await harness.createSecret(uniqueName('db/app'), {
    engine: 'postgres',
    host: server.host,
    port: server.port,
    username,
    password,
    dbname: 'postgres',
    masterarn: superuser,
  });
  const tables: string[] = [];

  for (let round = 0; round < 4; round += 1) {
    // Act: rotate, then the new current user creates a table of its own.
    const outcome = await harness.rotate(arn);
    expect(outcome.failedStep, outcome.error).toBeUndefined();
    const currentValue = await harness.readJson(arn, 'AWSCURRENT');
    const previousValue = await harness.readJson(arn, 'AWSPREVIOUS');
    const current = {
      username: String(currentValue.username),
      password: String(currentValue.password),
    };
    const previous = {
      username: String(previousValue.username),
      password: String(previousValue.password),
    };
    const table = `${schema}.made_in_round_${round}`;
    await asUser(current, (client) =>
      client.query(`CREATE TABLE ${table} (id int); INSERT INTO ${table} VALUES (1)`),
    );
    tables.push(table);

    // Assess: both users can read, write and alter every table made so far.
    for (const user of [current, previous]) {
      for (const existing of tables) {
        await asUser(user, async (client) => {
          await client.query(`INSERT INTO ${existing} VALUES (2)`);
          const rows = await client.query(`SELECT count(*)::int AS n FROM ${existing}`);
          expect(rows.rows[0].n).toBeGreaterThan(0);
          await client.query(`ALTER TABLE ${existing} ADD COLUMN IF NOT EXISTS note text`);
        });
      }
    }
  }
  // Every object is owned by the original user, whichever user created it.
  const admin = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    database: 'postgres',
    ssl: { ca: server.caCertPem ?? '' },
  });
  await admin.connect();
  const result = await admin.query(
    'SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = $1',
    [schema],
  );
  await admin.end();
  expect(result.rows.map((row: { tableowner: string }) => row.tableowner)).toEqual([username]);
});
