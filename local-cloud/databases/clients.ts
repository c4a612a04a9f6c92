/**
 * Client connections to the local database servers as an application makes them (TLS verified
 * against the server's CA), and as their admin, for the demo, the tests and the benchmarks.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { RunningDatabaseInfo } from './running-database.js';

/** A pg Client (not yet connected) for `username` on `server`. */
export const pgClient = (
  server: RunningDatabaseInfo,
  username: string,
  password: string,
  database = 'postgres',
): pg.Client =>
  new pg.Client({
    host: server.host,
    port: server.port,
    user: username,
    password,
    database,
    ssl: server.caCertPem === undefined ? false : { ca: server.caCertPem },
    connectionTimeoutMillis: 5_000,
  });

/** A pg Client (not yet connected) as the server's admin. */
export const pgAdminClient = (server: RunningDatabaseInfo): pg.Client =>
  pgClient(server, server.adminUser, server.adminPassword);

/** Runs `work` with a pg client connected as the server's admin, and ends the client after. */
export const withPgAdmin = async <T>(
  server: RunningDatabaseInfo,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> => {
  const client = pgAdminClient(server);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/** Creates a PostgreSQL login role `username` with `password` (both escaped), as the admin. */
export const createPgLoginRole = (
  server: RunningDatabaseInfo,
  username: string,
  password: string,
): Promise<void> =>
  withPgAdmin(server, async (client) => {
    await client.query(
      `CREATE ROLE ${client.escapeIdentifier(username)} LOGIN PASSWORD ${client.escapeLiteral(password)}`,
    );
  });

/** A connected mysql2 connection for `username` on `server`. */
export const mariadbConnection = (
  server: RunningDatabaseInfo,
  username: string,
  password: string,
): Promise<mysql.Connection> =>
  mysql.createConnection({
    host: server.host,
    port: server.port,
    user: username,
    password,
    connectTimeout: 5_000,
    ...(server.caCertPem === undefined ? {} : { ssl: { ca: server.caCertPem } }),
  });

/** A connected mysql2 connection as the server's admin. */
export const mariadbAdminConnection = (server: RunningDatabaseInfo): Promise<mysql.Connection> =>
  mariadbConnection(server, server.adminUser, server.adminPassword);

/**
 * Whether the credentials log in and can run a query. `false` only when the server rejects them
 * (PostgreSQL 28P01; MariaDB 1045, or 1698 for an unknown user); anything else throws.
 */
export const logsIn = async (
  server: RunningDatabaseInfo,
  username: string,
  password: string,
): Promise<boolean> => {
  if (server.engine === 'postgres') {
    const client = pgClient(server, username, password);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '28P01') return false;
      throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  try {
    const connection = await mariadbConnection(server, username, password);
    await connection.query('SELECT 1');
    await connection.end();
    return true;
  } catch (error) {
    const errno = (error as { errno?: number }).errno;
    if (errno === 1045 || errno === 1698) return false;
    throw error;
  }
};
