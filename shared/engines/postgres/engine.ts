/**
 * PostgreSQL behind the Engine port, with node-postgres (`pg`). One `login` is exactly one
 * authentication attempt, with TLS as tls-probe.ts decides; the session is session.ts.
 */
import pg from 'pg';
import type { DbCredentials, Engine } from '#shared/engines/engine.js';
import { ENGINE_DEFAULTS, MAX_USERNAME_LENGTH } from '#shared/engines/secret-engines.js';
import { DatabaseUnreachableError } from '#shared/errors.js';
import { errorCode, sanitizedCause } from './driver-error.js';
import { PostgresSession } from './session.js';
import { remainingMs, tlsSettings } from './tls-probe.js';

/** SQLSTATE invalid_password: wrong password, unknown role, expired password (all alike). */
const CREDENTIALS_REJECTED = '28P01';

/** PostgreSQL with node-postgres; see tls-probe.ts for TLS and session.ts for passwords. */
export const postgresEngine: Engine = {
  name: 'postgres',
  maxUsernameLength: MAX_USERNAME_LENGTH.postgres,

  async login(target, credentials: DbCredentials, options) {
    const deadline = Date.now() + options.connectTimeoutMs;
    const where = `PostgreSQL ${target.host}:${target.port} (tls ${target.tls}) as "${credentials.username}"`;
    const password = credentials.password.reveal();
    let client: pg.Client | undefined;
    try {
      const ssl = await tlsSettings(target, options, deadline);
      client = new pg.Client({
        host: target.host,
        port: target.port,
        database: target.database ?? ENGINE_DEFAULTS.postgres.database,
        user: credentials.username,
        password,
        ssl,
        connectionTimeoutMillis: remainingMs(deadline),
        application_name: 'rotasync',
      });
      // An idle session that loses its server emits 'error'; the next query reports it.
      client.on('error', () => undefined);
      await client.connect();
      return new PostgresSession(client, credentials.username);
    } catch (error) {
      await client?.end().catch(() => undefined);
      // Only 28P01 judges the credentials. 28000 (pg_hba.conf refuses, e.g. no TLS; role may
      // not log in) and everything else say nothing about the password.
      if (errorCode(error) === CREDENTIALS_REJECTED) return undefined;
      const cause = sanitizedCause(error, [password]);
      throw new DatabaseUnreachableError(`${where}: login failed: ${cause.message}`, {}, { cause });
    }
  },
};
