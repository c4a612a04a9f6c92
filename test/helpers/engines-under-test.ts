/**
 * The real database servers of the integration project, behind one small interface, so that one
 * rotation contract suite runs against every engine: users, logins, long-lived sessions.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { RunningDatabaseInfo } from '../../local-cloud/databases/running-database.js';
import {
  adminMaria,
  adminPg,
  createMariaUser,
  createPgUser,
  mariadbServer,
  postgresServer,
} from './databases.js';

/** A session held open by an application, to show it survives a rotation. */
export interface OpenSession {
  /** Runs a trivial query; rejects when the session no longer works. */
  query(): Promise<void>;
  close(): Promise<void>;
}

export interface EngineUnderTest {
  readonly engine: 'postgres' | 'mariadb';
  server(): RunningDatabaseInfo;
  /** The secret's connection fields (engine, host, port, dbname). */
  connectionFields(): Record<string, unknown>;
  /** Creates a login user that may read the engine's demo table. */
  createUser(name: string, password: string): Promise<void>;
  /** Whether the credentials log in; `false` only when the server rejects them. */
  logsIn(username: string, password: string): Promise<boolean>;
  openSession(username: string, password: string): Promise<OpenSession>;
  /** Runs SQL as the admin. */
  admin(sql: string): Promise<void>;
}

const pgClient = (server: RunningDatabaseInfo, username: string, password: string) =>
  new pg.Client({
    host: server.host,
    port: server.port,
    user: username,
    password,
    database: 'postgres',
    ssl: server.caCertPem === undefined ? false : { ca: server.caCertPem },
    connectionTimeoutMillis: 5_000,
  });

export const postgresUnderTest: EngineUnderTest = {
  engine: 'postgres',
  server: postgresServer,
  connectionFields: () => {
    const server = postgresServer();
    return { engine: 'postgres', host: server.host, port: server.port, dbname: 'postgres' };
  },
  createUser: async (name, password) => {
    await createPgUser(name, password);
  },
  logsIn: async (username, password) => {
    const client = pgClient(postgresServer(), username, password);
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
  },
  openSession: async (username, password) => {
    const client = pgClient(postgresServer(), username, password);
    await client.connect();
    return {
      query: async () => {
        await client.query('SELECT 1');
      },
      close: () => client.end(),
    };
  },
  admin: async (sql) => {
    const client = await adminPg();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  },
};

const mariaConnection = (server: RunningDatabaseInfo, username: string, password: string) =>
  mysql.createConnection({
    host: server.host,
    port: server.port,
    user: username,
    password,
    connectTimeout: 5_000,
    ...(server.caCertPem === undefined ? {} : { ssl: { ca: server.caCertPem } }),
  });

export const mariadbUnderTest: EngineUnderTest = {
  engine: 'mariadb',
  server: mariadbServer,
  connectionFields: () => {
    const server = mariadbServer();
    return { engine: 'mariadb', host: server.host, port: server.port };
  },
  createUser: async (name, password) => {
    await createMariaUser(name, password, '%');
    const connection = await adminMaria();
    try {
      await connection.query('CREATE DATABASE IF NOT EXISTS rotasync_contract');
      await connection.query('GRANT SELECT ON rotasync_contract.* TO ?@?', [name, '%']);
    } finally {
      await connection.end();
    }
  },
  logsIn: async (username, password) => {
    try {
      const connection = await mariaConnection(mariadbServer(), username, password);
      await connection.query('SELECT 1');
      await connection.end();
      return true;
    } catch (error) {
      // 1045: access denied; 1698: MariaDB's answer for an unknown user.
      const errno = (error as { errno?: number }).errno;
      if (errno === 1045 || errno === 1698) return false;
      throw error;
    }
  },
  openSession: async (username, password) => {
    const connection = await mariaConnection(mariadbServer(), username, password);
    return {
      query: async () => {
        await connection.query('SELECT 1');
      },
      close: () => connection.end(),
    };
  },
  admin: async (sql) => {
    const connection = await adminMaria();
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  },
};
