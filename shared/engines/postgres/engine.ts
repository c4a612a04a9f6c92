/**
 * PostgreSQL behind the Engine port, with node-postgres (`pg`). One `login` is exactly one
 * authentication attempt, with TLS as tls-probe.ts decides; the session is session.ts.
 */
import pg from 'pg';
import type { DbCredentials, Engine, TlsMode } from '#shared/engines/engine.js';
import { ENGINE_DEFAULTS, MAX_USERNAME_LENGTH } from '#shared/engines/secret-engines.js';
import { DatabaseUnreachableError, UnsafeAuthenticationError } from '#shared/errors.js';
import { errorCode, sanitizedCause } from './driver-error.js';
import { PostgresSession } from './session.js';
import { remainingMs, tlsSettings } from './tls-probe.js';

/** SQLSTATE invalid_password: wrong password, unknown role, expired password (all alike). */
const CREDENTIALS_REJECTED = '28P01';

/**
 * Holds the password back until the server's authentication request is known to be safe on
 * this channel (issue 9, defect 3). Cleartext (`password` in pg_hba.conf) goes only over
 * verified TLS (`require`); MD5 not in `prefer` mode, whose channel is plain or unverified, as a
 * server that strips TLS chooses. SCRAM never reveals the password.
 * https://www.postgresql.org/docs/current/auth-password.html
 */
const authenticationGuard = (tls: TlsMode, where: string) => {
  let refusal: UnsafeAuthenticationError | undefined;
  const refuse = (method: string, allowedOver: string): void => {
    refusal = new UnsafeAuthenticationError(
      `${where}: the server asked for the password ${method}, which Rotasync sends only over ${allowedOver}; nothing was sent`,
    );
  };
  return {
    watch(connection: pg.Client['connection']): void {
      // Registered before the client's own handlers, so they run first.
      connection.on('authenticationCleartextPassword', () => {
        if (tls !== 'require') refuse('in cleartext', 'verified TLS (ssl true, the default)');
      });
      connection.on('authenticationMD5Password', () => {
        if (tls === 'prefer')
          refuse('as an MD5 hash', 'verified TLS or, by choice, plain (ssl false)');
      });
    },
    release(password: string): string {
      if (refusal) throw refusal;
      return password;
    },
  };
};

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
      const guard = authenticationGuard(target.tls, where);
      client = new pg.Client({
        host: target.host,
        port: target.port,
        database: target.database ?? ENGINE_DEFAULTS.postgres.database,
        user: credentials.username,
        // node-postgres asks for the password only once the server has said how it wants it.
        password: () => guard.release(password),
        ssl,
        // Over TLS nobody verified (prefer), SCRAM binds the login to the TLS channel when the
        // server can: a man in the middle with its own certificate cannot relay it.
        enableChannelBinding: target.tls === 'prefer' && ssl !== false,
        connectionTimeoutMillis: remainingMs(deadline),
        application_name: 'rotasync',
        // Server-side: no statement of the session outlives the step (locks included).
        ...(options.timeLeftMs === undefined
          ? {}
          : { statement_timeout: Math.max(1, Math.ceil(options.timeLeftMs())) }),
      });
      guard.watch(client.connection);
      // An idle session that loses its server emits 'error'; the next query reports it.
      client.on('error', () => undefined);
      await client.connect();
      return new PostgresSession(client, credentials.username, options.timeLeftMs);
    } catch (error) {
      await client?.end().catch(() => undefined);
      if (error instanceof UnsafeAuthenticationError) throw error;
      // Only 28P01 judges the credentials. 28000 (pg_hba.conf refuses, e.g. no TLS; role may
      // not log in) and everything else say nothing about the password.
      if (errorCode(error) === CREDENTIALS_REJECTED) return undefined;
      const cause = sanitizedCause(error, [password]);
      throw new DatabaseUnreachableError(`${where}: login failed: ${cause.message}`, {}, { cause });
    }
  },
};
