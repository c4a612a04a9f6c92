/**
 * Counts login attempts on the real servers, independently of the code under test:
 * PostgreSQL from its own log (`log_connections`), MariaDB from its status counters.
 */
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';

export interface LoginCount {
  readonly succeeded: number;
  readonly failed: number;
}

export interface LoginCounter {
  /** Attempts so far (cumulative). */
  read(): Promise<LoginCount>;
  close(): Promise<void>;
}

export const postgresLoginCounter = (server: RunningDatabaseInfo): LoginCounter => ({
  read: async () => {
    // The log trails the events by a moment.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const log = await readFile(server.logFile, 'utf8');
    return {
      succeeded: log.match(/connection authorized: user=/g)?.length ?? 0,
      failed: log.match(/password authentication failed for user/g)?.length ?? 0,
    };
  },
  close: async () => undefined,
});

export const mariadbLoginCounter = async (server: RunningDatabaseInfo): Promise<LoginCounter> => {
  // One admin connection, opened once: reading the counters adds no connection of its own.
  const admin = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    ...(server.caCertPem ? { ssl: { ca: server.caCertPem } } : {}),
  });
  const status = async (name: string): Promise<number> => {
    const [rows] = await admin.query('SHOW GLOBAL STATUS LIKE ?', [name]);
    const row = (rows as { Value: string }[])[0];
    return Number(row?.Value ?? 0);
  };
  return {
    read: async () => {
      const connections = await status('Connections');
      const failed = await status('Aborted_connects');
      return { succeeded: connections - failed, failed };
    },
    close: () => admin.end(),
  };
};
