/**
 * The local disaster-recovery database: a streaming physical replica of the shared PostgreSQL
 * primary, made with the low-level base backup and kept current by streaming replication.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsIn, pgClient } from '#local-cloud/databases/clients.js';
import { startPostgresReplica } from '#local-cloud/databases/postgres-replica.js';
import type {
  RunningDatabase,
  RunningDatabaseInfo,
} from '#local-cloud/databases/running-database.js';
import { postgresEngine } from '#shared/engines/postgres/engine.js';
import { Sensitive } from '#shared/sensitive.js';
import {
  adminPg,
  createPgUser,
  postgresServer,
  randomPassword,
  uniqueName,
} from '#test/helpers/databases.js';

let replica: RunningDatabase;

/** Polls `check` until it holds (replication is asynchronous) or 10 s pass. */
const eventually = async (check: () => Promise<boolean>): Promise<boolean> => {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
};

const adminOnReplica = async (): Promise<pg.Client> => {
  const client = pgClient(replica, replica.adminUser, replica.adminPassword);
  await client.connect();
  return client;
};

beforeAll(async () => {
  replica = await startPostgresReplica(postgresServer());
});

afterAll(async () => {
  await replica?.stop();
});

describe('startPostgresReplica', () => {
  it('runs a hot standby on its own port, in recovery, TLS with the primary CA', async () => {
    // Prepare
    const primary = postgresServer();
    const client = await adminOnReplica();

    // Act
    const recovery = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
    const ssl = await client.query<{ ssl: boolean }>(
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    await client.end();

    // Assess
    expect(replica.port).not.toBe(primary.port);
    expect(recovery.rows[0]?.r).toBe(true);
    expect(ssl.rows[0]?.ssl).toBe(true);
    expect(replica.caCertPem).toBe(primary.caCertPem);
  });

  it('refuses writes with SQLSTATE 25006 (read-only transaction)', async () => {
    // Prepare
    const client = await adminOnReplica();

    // Act
    const failure = await client
      .query(`CREATE TABLE ${uniqueName('nope')} (id int)`)
      .then(() => undefined)
      .catch((error: unknown) => error as { code?: string });
    await client.end();

    // Assess
    expect(failure?.code).toBe('25006');
  });

  it('shows rows written on the primary after it started', async () => {
    // Prepare
    const table = uniqueName('replicated');
    const primaryAdmin = await adminPg();
    await primaryAdmin.query(`CREATE TABLE ${table} (value text)`);

    // Act
    await primaryAdmin.query(`INSERT INTO ${table} VALUES ('from the primary')`);
    await primaryAdmin.end();

    // Assess
    const seen = await eventually(async () => {
      const client = await adminOnReplica();
      try {
        const rows = await client.query<{ value: string }>(`SELECT value FROM ${table}`);
        return rows.rows[0]?.value === 'from the primary';
      } catch {
        return false;
      } finally {
        await client.end();
      }
    });
    expect(seen).toBe(true);
  });

  it('takes password changes from the primary: the new one logs in there, the old one not', async () => {
    // Prepare
    const username = uniqueName('dr_app');
    const first = randomPassword();
    const second = randomPassword();
    await createPgUser(username, first);
    expect(await eventually(() => logsIn(replica, username, first))).toBe(true);

    // Act
    const primaryAdmin = await adminPg();
    await primaryAdmin.query(
      `ALTER ROLE ${pg.escapeIdentifier(username)} PASSWORD ${pg.escapeLiteral(second)}`,
    );
    await primaryAdmin.end();

    // Assess
    expect(await eventually(() => logsIn(replica, username, second))).toBe(true);
    expect(await logsIn(replica, username, first)).toBe(false);
  });

  it('is read-only to a session of the engine, and the primary writable (canWrite)', async () => {
    // Prepare
    const login = (server: RunningDatabaseInfo) =>
      postgresEngine.login(
        { host: server.host, port: server.port, database: 'postgres', tls: 'require' },
        { username: server.adminUser, password: new Sensitive(server.adminPassword) },
        { connectTimeoutMs: 5_000, caBundle: server.caCertPem },
      );
    const onReplica = await login(replica);
    const onPrimary = await login(postgresServer());
    // Act
    const answers = [await onReplica?.canWrite(), await onPrimary?.canWrite()];
    // Assess: the session stays usable after the refused transaction id.
    await expect(onReplica?.probe()).resolves.toBeUndefined();
    await onReplica?.close();
    await onPrimary?.close();
    expect(answers).toEqual(['read-only', 'writable']);
  });
});
