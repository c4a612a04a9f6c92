/**
 * The real database servers of the integration project, behind one small interface, so that one
 * rotation contract suite runs against every engine: users, logins, long-lived sessions.
 */
import { logsIn, mariadbConnection, pgClient } from '#local-cloud/databases/clients.js';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';
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
  logsIn: (username, password) => logsIn(postgresServer(), username, password),
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
      // What a single user needs to list its host accounts (README, "Host accounts").
      await connection.query('GRANT SELECT (User, Host, is_role) ON mysql.user TO ?@?', [
        name,
        '%',
      ]);
    } finally {
      await connection.end();
    }
  },
  logsIn: (username, password) => logsIn(mariadbServer(), username, password),
  openSession: async (username, password) => {
    const connection = await mariadbConnection(mariadbServer(), username, password);
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
