/**
 * MySQL and MariaDB behind the Engine port, with mysql2 (`mysql2/promise`).
 *
 * Logins: one connection attempt each. `ER_ACCESS_DENIED_ERROR` (1045),
 * `ER_ACCESS_DENIED_NO_PASSWORD_ERROR` (1698, MariaDB's answer for an unknown user) and
 * `ER_DBACCESS_DENIED_ERROR` (1044, the user may not open the named schema) mean *rejected*
 * (`undefined`); everything else throws DatabaseUnreachableError with a sanitized cause. Note:
 * an account created `REQUIRE SSL` (or X509...) that connects without TLS gets the very same
 * 1045 as a wrong password, so with `tls: 'disable'` such an account reads as rejected, not as
 * a TLS problem: the server gives the client no way to tell them apart.
 *
 * TLS modes: `require` verifies the server certificate against the CA bundle (the system roots
 * without one) and its host name or IP address (mysql2's `verifyIdentity`);
 * `disable` sends no TLS request; `prefer` first reads the server's handshake on a bare socket
 * (no credentials sent) and then logs in once, with TLS if the server offers it and plain only
 * if it offers none. Like MySQL's ssl-mode=PREFERRED, `prefer` does NOT verify the certificate:
 * it guards against passive eavesdropping only. Each prefer login therefore opens two TCP
 * connections; the first ends after the greeting, which MySQL counts as an aborted connection
 * (reset by the successful login that follows).
 *
 * Password statements: `ALTER USER ?@? IDENTIFIED BY ?` where the server has it (MySQL 5.7.6+,
 * MariaDB 10.2+). Support is discovered by trying: a server without it answers ER_PARSE_ERROR
 * (1064) before executing anything, and the session then uses `SET PASSWORD FOR ?@? =
 * PASSWORD(?)` (and `GRANT USAGE ... REQUIRE` for TLS requirements); the answer is kept for the
 * session. The version string is never read. Passwords go through `query` placeholders, never
 * `execute` (prepared statements may be logged with their values), and an error from a
 * statement carrying a password reports only its code.
 */

import type { Connection, ConnectionOptions } from 'mysql2/promise';
import { createConnection } from 'mysql2/promise';
import type {
  ConnectOptions,
  DbCredentials,
  DbSession,
  DbTarget,
  Engine,
  EngineName,
} from '#shared/engines/engine.js';
import { MAX_USERNAME_LENGTH } from '#shared/engines/secret-engines.js';
import { DatabaseUnreachableError, UnsafeAuthenticationError } from '#shared/errors.js';
import {
  ER_ACCESS_DENIED,
  ER_ACCESS_DENIED_NO_PASSWORD,
  ER_DBACCESS_DENIED,
  errnoOf,
  sanitizedCause,
} from './driver-error.js';
import { serverOffersTls } from './handshake.js';
import { MysqlSession } from './session.js';
import type { MysqlFlavor } from './statements.js';

/** The ssl option for mysql2, or `undefined` for a plain connection. */
const sslOptions = async (
  target: DbTarget,
  options: ConnectOptions,
  deadline: number,
): Promise<ConnectionOptions['ssl'] | undefined> => {
  switch (target.tls) {
    case 'disable':
      return undefined;
    case 'require':
      // mysql2 checks the certificate's name only with verifyIdentity (off by default).
      return options.caBundle === undefined
        ? { rejectUnauthorized: true, verifyIdentity: true }
        : { ca: options.caBundle, rejectUnauthorized: true, verifyIdentity: true };
    case 'prefer': {
      const offered = await serverOffersTls(
        target.host,
        target.port,
        Math.max(1, deadline - Date.now()),
      );
      // Unverified on purpose, as ssl-mode=PREFERRED: see the module comment.
      return offered ? { rejectUnauthorized: false } : undefined;
    }
  }
};

/**
 * Auth plugins that hand the password itself to the server: `mysql_clear_password` sends it as
 * is; `sha256_password` sends it in the clear over TLS, or RSA-encrypted to a key the server
 * sends and nobody verifies. Over a channel that is not verified TLS (prefer, disable) they are
 * replaced by refusals, so a server that strips or fakes TLS and asks for them gets nothing
 * (issue 9, defect 3). mysql_native_password and caching_sha2_password's fast path answer a
 * challenge instead.
 * https://dev.mysql.com/doc/refman/8.0/en/cleartext-pluggable-authentication.html
 */
const PASSWORD_REVEALING_PLUGINS = ['mysql_clear_password', 'sha256_password'] as const;

/** The refusing plugins, and what they refused (read after a failed connect). */
const refusingPlugins = (where: string) => {
  let refusal: UnsafeAuthenticationError | undefined;
  const plugins: NonNullable<ConnectionOptions['authPlugins']> = {};
  for (const name of PASSWORD_REVEALING_PLUGINS) {
    plugins[name] = () => () => {
      refusal = new UnsafeAuthenticationError(
        `${where}: the server asked for the password through ${name}, which Rotasync uses only over verified TLS (ssl true, the default); nothing was sent`,
      );
      throw refusal;
    };
  }
  return { plugins, refusal: () => refusal };
};

/** One login attempt as `credentials`; see the module comment for the verdicts. */
const login = async (
  flavor: MysqlFlavor,
  target: DbTarget,
  credentials: DbCredentials,
  options: ConnectOptions,
): Promise<DbSession | undefined> => {
  const deadline = Date.now() + options.connectTimeoutMs;
  const ssl = await sslOptions(target, options, deadline);
  const guard = refusingPlugins(`${flavor} login to ${target.host}:${target.port}`);
  const config: ConnectionOptions = {
    host: target.host,
    port: target.port,
    user: credentials.username,
    password: credentials.password.reveal(),
    connectTimeout: Math.max(1, deadline - Date.now()),
    multipleStatements: false,
    ...(target.database === undefined ? {} : { database: target.database }),
    ...(ssl === undefined ? {} : { ssl }),
    ...(target.tls === 'require' ? {} : { authPlugins: guard.plugins }),
  };
  let connection: Connection;
  try {
    connection = await createConnection(config);
  } catch (error) {
    const refused = guard.refusal();
    if (refused) throw refused;
    const errno = errnoOf(error);
    if (
      errno === ER_ACCESS_DENIED ||
      errno === ER_DBACCESS_DENIED ||
      errno === ER_ACCESS_DENIED_NO_PASSWORD
    ) {
      return undefined;
    }
    const cause = sanitizedCause(error, [credentials.password.reveal()], true);
    throw new DatabaseUnreachableError(
      `${flavor} login to ${target.host}:${target.port}: could not log in as "${credentials.username}": ${cause.message}`,
      {},
      { cause },
    );
  }
  // A dropped idle connection emits 'error'; the next statement reports it instead.
  connection.on('error', () => undefined);
  return new MysqlSession(connection, credentials.username, flavor, options.timeLeftMs);
};

const engine = (name: EngineName & MysqlFlavor, maxUsernameLength: number): Engine => ({
  name,
  maxUsernameLength,
  login: (target, credentials, options) => login(name, target, credentials, options),
});

/** MySQL 5.7.8+ and 8.x (user name limit: MAX_USERNAME_LENGTH). */
export const mysqlEngine: Engine = engine('mysql', MAX_USERNAME_LENGTH.mysql);

/** MariaDB (user name limit: MAX_USERNAME_LENGTH). */
export const mariadbEngine: Engine = engine('mariadb', MAX_USERNAME_LENGTH.mariadb);
