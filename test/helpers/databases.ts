/**
 * The real database servers of the integration project, as tests see them: their connection
 * data (started once by test/integration/global-setup.ts and handed over with `provide`),
 * admin connections, user creation and unique names.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { inject } from 'vitest';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';
import { tapValue } from '#local-cloud/taps.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL 18 with TLS (certificate from a private CA, `caCertPem`). */
    postgres: RunningDatabaseInfo;
    /** MariaDB 10.11 with TLS (certificate from a private CA, `caCertPem`). */
    mariadb: RunningDatabaseInfo;
    /** A CA unrelated to every server: a bundle that must make TLS verification fail. */
    untrustedCaPem: string;
  }
}

/** The shared PostgreSQL server (TLS on). */
export const postgresServer = (): RunningDatabaseInfo => inject('postgres');

/** The shared MariaDB server (TLS on). */
export const mariadbServer = (): RunningDatabaseInfo => inject('mariadb');

/** A PEM CA bundle that verifies none of the servers. */
export const untrustedCaPem = (): string => inject('untrustedCaPem');

/**
 * A fresh name for a user, table or database: `prefix` plus 8 random hex digits, lower case,
 * short enough for MySQL's 32-character user names.
 *
 * @example uniqueName('app') // 'app_3f9a0c1d'
 */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${randomBytes(4).toString('hex')}`.toLowerCase();

/** A random password of `length` printable ASCII characters without quotes or backslashes. */
export const randomPassword = (length = 24): string => {
  const password = randomBytes(length).toString('base64url').slice(0, length);
  tapValue('randomPassword (test helper)', password);
  return password;
};

/** A connected pg Client as the server's admin, TLS verified with the server's CA when it has TLS. */
export const adminPg = async (
  server: RunningDatabaseInfo = postgresServer(),
  database = 'postgres',
): Promise<pg.Client> => {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    database,
    ssl: server.caCertPem === undefined ? false : { ca: server.caCertPem },
  });
  await client.connect();
  return client;
};

/** A connected mysql2 connection as the server's admin, TLS verified with the server's CA. */
export const adminMaria = async (
  server: RunningDatabaseInfo = mariadbServer(),
): Promise<mysql.Connection> =>
  mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    ...(server.caCertPem === undefined ? {} : { ssl: { ca: server.caCertPem } }),
  });

/**
 * Creates a PostgreSQL login role `name` with `password` (both escaped client-side) and any
 * extra role options, e.g. `'CREATEDB CONNECTION LIMIT 5'`.
 */
export const createPgUser = async (
  name: string,
  password: string,
  extraOptions = '',
  server: RunningDatabaseInfo = postgresServer(),
): Promise<void> => {
  tapValue(`password of PostgreSQL user ${name} (test helper)`, password);
  const client = await adminPg(server);
  try {
    await client.query(
      `CREATE ROLE ${client.escapeIdentifier(name)} LOGIN PASSWORD ${client.escapeLiteral(password)} ${extraOptions}`,
    );
  } finally {
    await client.end();
  }
};

/** Creates a MariaDB user `name`@`host` with `password` (escaped by mysql2). */
export const createMariaUser = async (
  name: string,
  password: string,
  host = '%',
  server: RunningDatabaseInfo = mariadbServer(),
): Promise<void> => {
  tapValue(`password of MariaDB user ${name}@${host} (test helper)`, password);
  const connection = await adminMaria(server);
  try {
    await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [name, host, password]);
  } finally {
    await connection.end();
  }
};

/** The server's log so far (connections, authentication failures, errors). */
export const readServerLog = async (server: RunningDatabaseInfo): Promise<string> =>
  readFile(server.logFile, 'utf8');

/**
 * Waits until the server's log has a line matching `pattern` (the log is written as the server
 * prints it, so a line can trail the event by a moment); resolves all matching lines.
 */
export const waitForLogLines = async (
  server: RunningDatabaseInfo,
  pattern: RegExp,
  timeoutMs = 5_000,
): Promise<string[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = (await readServerLog(server)).split('\n').filter((line) => pattern.test(line));
    if (lines.length > 0 || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
