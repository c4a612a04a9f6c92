/** Database secrets for the CLI tests: a fresh PostgreSQL login and the JSON RDS would store. */
import { createPgUser, postgresServer, randomPassword, uniqueName } from './databases.js';

export interface PostgresLogin {
  readonly username: string;
  readonly password: string;
  /** The secret's value: engine, host, port, username, password, dbname. */
  readonly value: Readonly<Record<string, unknown>>;
}

/**
 * A new user on the shared PostgreSQL server (unless `userExists` is false, which makes every
 * rotation of its secret fail at setSecret) and its secret value.
 */
export const newPostgresLogin = async (
  options: { readonly userExists?: boolean } = {},
): Promise<PostgresLogin> => {
  const server = postgresServer();
  const username = uniqueName('cli');
  const password = randomPassword();
  if (options.userExists !== false) await createPgUser(username, password);
  return {
    username,
    password,
    value: {
      engine: 'postgres',
      host: server.host,
      port: server.port,
      username,
      password,
      dbname: 'postgres',
    },
  };
};
