/** Small set-up helpers for the demo: admin queries and random demo passwords. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { RunningDatabaseInfo } from '../databases/running-database.js';

/** Runs `work` with a pg client connected as the server's admin (TLS verified). */
export const adminQuery = async <T>(
  server: RunningDatabaseInfo,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> => {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    database: 'postgres',
    ssl: server.caCertPem === undefined ? false : { ca: server.caCertPem },
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/** A random password for a demo user's first credentials. */
export const randomPassword = (): string => randomBytes(18).toString('base64url');
