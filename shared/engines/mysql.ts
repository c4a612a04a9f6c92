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

import type { Connection, ConnectionOptions, RowDataPacket } from 'mysql2/promise';
import { createConnection } from 'mysql2/promise';
import { DatabaseUnreachableError, RotasyncError } from '#shared/errors.js';
import type { Sensitive } from '#shared/sensitive.js';
import type {
  ConnectOptions,
  DbCredentials,
  DbEndpoint,
  DbSession,
  Engine,
  EngineName,
} from './engine.js';
import { serverOffersTls } from './mysql-handshake.js';
import {
  type Account,
  alterUserPassword,
  alterUserPasswordAndTls,
  assertAccountPart,
  createUser,
  createUserLegacy,
  currentUser,
  type GrantLine,
  grantAtoms,
  grantUsageRequire,
  listAccounts,
  listDefaultRoles,
  type MysqlFlavor,
  parseGrantLine,
  probe,
  readSqlMode,
  regrant,
  type Statement,
  safeSqlMode,
  setDefaultRoles,
  setOwnPasswordHashed,
  setOwnPasswordPlain,
  setPasswordFor,
  setSqlMode,
  showGrants,
  splitCurrentUser,
  surplusAtoms,
  type TlsRequirement,
  tlsDifferences,
  tlsRequirementOf,
} from './mysql-statements.js';

const ER_DBACCESS_DENIED = 1044;
const ER_ACCESS_DENIED = 1045;
const ER_PARSE_ERROR = 1064;
const ER_NO_SUCH_TABLE = 1146;
const ER_ACCESS_DENIED_NO_PASSWORD = 1698;
const ER_TABLEACCESS_DENIED = 1142;
const ER_COLUMNACCESS_DENIED = 1143;
const ER_SPECIFIC_ACCESS_DENIED = 1227;
const ER_SP_DOES_NOT_EXIST = 1305;
const ER_CANNOT_USER = 1396;

/** The fields of a mysql2 error we read; every one is optional. */
interface DriverError {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly sqlState?: unknown;
  readonly sqlMessage?: unknown;
  readonly message?: unknown;
  readonly fatal?: unknown;
}

const asDriverError = (error: unknown): DriverError =>
  typeof error === 'object' && error !== null ? (error as DriverError) : {};

const errnoOf = (error: unknown): number | undefined => {
  const errno = asDriverError(error).errno;
  return typeof errno === 'number' ? errno : undefined;
};

/**
 * A fresh Error holding only the driver's code, errno, SQL state and (unless `withMessage` is
 * false) its message with every `secret` cut out. mysql2 errors carry the statement text
 * (`sql`), which may hold a password: the original error is never kept as a cause.
 */
const sanitizedCause = (
  error: unknown,
  secrets: readonly string[],
  withMessage: boolean,
): Error => {
  const driver = asDriverError(error);
  const code = typeof driver.code === 'string' ? driver.code : 'UNKNOWN';
  const errno = typeof driver.errno === 'number' ? ` (${driver.errno})` : '';
  let text = '';
  if (withMessage) {
    const raw = typeof driver.sqlMessage === 'string' ? driver.sqlMessage : driver.message;
    text = typeof raw === 'string' ? raw : '';
    // A syntax error quotes the statement after "near": never echo that part.
    const near = text.indexOf(" near '");
    if (near >= 0) text = text.slice(0, near);
    for (const secret of secrets) {
      if (secret.length > 0) text = text.split(secret).join('[redacted]');
    }
  }
  return new Error(`${code}${errno}${text ? `: ${text}` : ''}`);
};

const describeError = (error: Error): string => error.message;

/** The ssl option for mysql2, or `undefined` for a plain connection. */
const sslOptions = async (
  endpoint: DbEndpoint,
  options: ConnectOptions,
  deadline: number,
): Promise<ConnectionOptions['ssl'] | undefined> => {
  switch (endpoint.tls) {
    case 'disable':
      return undefined;
    case 'require':
      // mysql2 checks the certificate's name only with verifyIdentity (off by default).
      return options.caBundle === undefined
        ? { rejectUnauthorized: true, verifyIdentity: true }
        : { ca: options.caBundle, rejectUnauthorized: true, verifyIdentity: true };
    case 'prefer': {
      const offered = await serverOffersTls(
        endpoint.host,
        endpoint.port,
        Math.max(1, deadline - Date.now()),
      );
      // Unverified on purpose, as ssl-mode=PREFERRED: see the module comment.
      return offered ? { rejectUnauthorized: false } : undefined;
    }
  }
};

/** One login attempt as `credentials`; see the module comment for the verdicts. */
const login = async (
  flavor: MysqlFlavor,
  endpoint: DbEndpoint,
  credentials: DbCredentials,
  options: ConnectOptions,
): Promise<DbSession | undefined> => {
  const where = { step: `${flavor} login to ${endpoint.host}:${endpoint.port}` };
  const deadline = Date.now() + options.connectTimeoutMs;
  const ssl = await sslOptions(endpoint, options, deadline);
  const config: ConnectionOptions = {
    host: endpoint.host,
    port: endpoint.port,
    user: credentials.username,
    password: credentials.password.reveal(),
    connectTimeout: Math.max(1, deadline - Date.now()),
    multipleStatements: false,
    ...(endpoint.database === undefined ? {} : { database: endpoint.database }),
    ...(ssl === undefined ? {} : { ssl }),
  };
  let connection: Connection;
  try {
    connection = await createConnection(config);
  } catch (error) {
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
      `could not log in as "${credentials.username}": ${describeError(cause)}`,
      where,
      { cause },
    );
  }
  // A dropped idle connection emits 'error'; the next statement reports it instead.
  connection.on('error', () => undefined);
  return new MysqlSession(connection, credentials.username, flavor);
};

const sameList = (a: readonly Account[], b: readonly Account[]): boolean =>
  a.length === b.length &&
  a.every((item, i) => item.user === b[i]?.user && item.host === b[i]?.host);

interface AccountRow {
  readonly host: string;
  readonly tls: TlsRequirement;
}

/** An authenticated MySQL/MariaDB session. */
class MysqlSession implements DbSession {
  public readonly username: string;
  readonly #connection: Connection;
  readonly #flavor: MysqlFlavor;
  #prepared: Promise<void> | undefined;
  /** Whether ALTER USER ... IDENTIFIED BY parses here; learnt from the first attempt. */
  #alterUser: boolean | undefined;

  public constructor(connection: Connection, username: string, flavor: MysqlFlavor) {
    this.#connection = connection;
    this.username = username;
    this.#flavor = flavor;
  }

  public async probe(): Promise<void> {
    await this.#run(probe());
  }

  public async setPassword(username: string, password: Sensitive<string>): Promise<void> {
    assertAccountPart(username, 'user name');
    await this.#prepare();
    const accounts = await this.#readAccounts(username);
    if (accounts !== undefined) {
      if (accounts.length === 0) throw this.#noAccount(username);
      for (const { host } of accounts) await this.#setAccountPassword(username, host, password);
      return;
    }
    // mysql.user is not readable: only the session's own account can be found.
    const own = splitCurrentUser(await this.#scalar(currentUser(), 'account'));
    if (own.user !== username) {
      throw new RotasyncError(
        `cannot list the accounts of user "${username}": this session may not read mysql.user`,
      );
    }
    await this.#setAccountPassword(own.user, own.host, password);
  }

  public async ensureClone(
    original: string,
    clone: string,
    password: Sensitive<string>,
  ): Promise<void> {
    assertAccountPart(original, 'user name');
    assertAccountPart(clone, 'user name');
    if (original === clone) throw new RotasyncError('a user cannot be its own clone');
    await this.#prepare();
    const originals = await this.#requireAccounts(original);
    const existing = new Set(((await this.#readAccounts(clone)) ?? []).map((row) => row.host));
    for (const { host, tls } of originals) {
      const from: Account = { user: original, host };
      const to: Account = { user: clone, host };
      // The password and TLS requirement first, in one statement where the server allows it;
      // a clone created before a crash is finished here, never skipped for existing.
      if (existing.has(host)) await this.#setPasswordAndTls(to, password, tls);
      else await this.#createAccount(to, password, tls);
      const originalLines = await this.#grants(from);
      for (const line of originalLines) await this.#run(regrant(line, from, to));
      const surplus = surplusAtoms(grantAtoms(await this.#grants(to)), grantAtoms(originalLines));
      if (surplus.length > 0) {
        for (const atom of surplus) await this.#run(atom.undo(to));
        // An undo may take more than its atom (REVOKE ALL, a role with admin option): re-grant.
        for (const line of originalLines) await this.#run(regrant(line, from, to));
      }
      const defaults = await this.#defaultRoles(from);
      if (defaults !== undefined && !sameList(defaults, (await this.#defaultRoles(to)) ?? [])) {
        await this.#run(setDefaultRoles(to, defaults));
      }
    }
  }

  public async describePrivilegeDifferences(
    original: string,
    clone: string,
  ): Promise<readonly string[]> {
    assertAccountPart(original, 'user name');
    assertAccountPart(clone, 'user name');
    await this.#prepare();
    const originals = await this.#requireAccounts(original);
    const clones = new Map(
      ((await this.#readAccounts(clone)) ?? []).map((row) => [row.host, row] as const),
    );
    const differences: string[] = [];
    for (const { host, tls } of originals) {
      const cloneAccount = clones.get(host);
      clones.delete(host);
      if (cloneAccount === undefined) {
        differences.push(`"${clone}" has no account at host "${host}"`);
        continue;
      }
      const at = `"${clone}"@"${host}"`;
      const want = grantAtoms(await this.#grants({ user: original, host }));
      const have = grantAtoms(await this.#grants({ user: clone, host }));
      for (const atom of surplusAtoms(want, have)) differences.push(`${at} lacks ${atom.key}`);
      for (const atom of surplusAtoms(have, want)) {
        differences.push(`${at} has ${atom.key}, which "${original}" lacks`);
      }
      const defaults = await this.#defaultRoles({ user: original, host });
      if (
        defaults !== undefined &&
        !sameList(defaults, (await this.#defaultRoles({ user: clone, host })) ?? [])
      ) {
        differences.push(`${at}: default roles differ`);
      }
      for (const difference of tlsDifferences(tls, cloneAccount.tls)) {
        differences.push(`${at}: ${difference}`);
      }
    }
    for (const host of clones.keys()) {
      differences.push(`"${clone}" has an account at host "${host}", which "${original}" lacks`);
    }
    return differences;
  }

  public async close(): Promise<void> {
    try {
      await this.#connection.end();
    } catch {
      this.#connection.destroy();
    }
  }

  /** Clears sql_mode flags that would change how mysql2's escaped literals are read. */
  #prepare(): Promise<void> {
    this.#prepared ??= (async () => {
      const mode = await this.#scalar(readSqlMode(), 'mode');
      const safe = safeSqlMode(mode);
      if (safe !== undefined) await this.#run(setSqlMode(safe));
    })();
    return this.#prepared;
  }

  /** Every account of `user`, or `undefined` when this session may not read mysql.user. */
  async #readAccounts(user: string): Promise<AccountRow[] | undefined> {
    try {
      const rows = await this.#run(listAccounts(user, this.#flavor));
      return rows.map((row) => ({ host: String(row.host), tls: tlsRequirementOf(row) }));
    } catch (error) {
      const errno = errnoOf(error);
      if (
        errno === ER_TABLEACCESS_DENIED ||
        errno === ER_COLUMNACCESS_DENIED ||
        errno === ER_DBACCESS_DENIED
      ) {
        return undefined;
      }
      throw error;
    }
  }

  async #requireAccounts(user: string): Promise<AccountRow[]> {
    const accounts = await this.#readAccounts(user);
    if (accounts === undefined) {
      throw new RotasyncError('cloning users needs a session that may read mysql.user');
    }
    if (accounts.length === 0) throw this.#noAccount(user);
    return accounts;
  }

  #noAccount(user: string): RotasyncError {
    return new RotasyncError(`user "${user}" has no account on this server`);
  }

  /**
   * MySQL 8's default roles of `account`; `undefined` on MariaDB (SHOW GRANTS carries them)
   * and on servers without roles.
   */
  async #defaultRoles(account: Account): Promise<Account[] | undefined> {
    if (this.#flavor !== 'mysql') return undefined;
    try {
      const rows = await this.#run(listDefaultRoles(account.user, account.host));
      return rows.map((row) => ({ user: String(row.user), host: String(row.host) }));
    } catch (error) {
      if (errnoOf(error) === ER_NO_SUCH_TABLE) return undefined;
      throw error;
    }
  }

  async #grants(account: Account): Promise<GrantLine[]> {
    const rows = await this.#run(showGrants(account.user, account.host));
    return rows.map((row) => {
      const text = Object.values(row)[0];
      if (typeof text !== 'string') throw new RotasyncError('SHOW GRANTS returned no text');
      return parseGrantLine(text);
    });
  }

  async #setAccountPassword(user: string, host: string, password: Sensitive<string>) {
    try {
      await this.#withAlterUser(
        () => this.#run(alterUserPassword(user, host, password)),
        () => this.#run(setPasswordFor(user, host, password)),
      );
    } catch (error) {
      // MariaDB refuses ALTER USER without CREATE USER, even on one's own account; a user may
      // always SET PASSWORD for itself.
      if (errnoOf(error) !== ER_SPECIFIC_ACCESS_DENIED || user !== this.username) throw error;
      const own = splitCurrentUser(await this.#scalar(currentUser(), 'account'));
      if (own.user !== user || own.host !== host) throw error;
      await this.#setOwnPassword(password);
    }
  }

  async #setOwnPassword(password: Sensitive<string>): Promise<void> {
    try {
      await this.#run(setOwnPasswordHashed(password));
    } catch (error) {
      const errno = errnoOf(error);
      // MySQL 8 has no PASSWORD(); there the literal form takes the clear text.
      if (errno !== ER_PARSE_ERROR && errno !== ER_SP_DOES_NOT_EXIST) throw error;
      await this.#run(setOwnPasswordPlain(password));
    }
  }

  async #setPasswordAndTls(account: Account, password: Sensitive<string>, tls: TlsRequirement) {
    await this.#withAlterUser(
      () => this.#run(alterUserPasswordAndTls(account.user, account.host, password, tls)),
      async () => {
        await this.#run(setPasswordFor(account.user, account.host, password));
        await this.#run(grantUsageRequire(account.user, account.host, tls));
      },
    );
  }

  async #createAccount(account: Account, password: Sensitive<string>, tls: TlsRequirement) {
    try {
      await this.#withAlterUser(
        () => this.#run(createUser(account.user, account.host, password, tls)),
        async () => {
          await this.#run(createUserLegacy(account.user, account.host, password));
          await this.#run(grantUsageRequire(account.user, account.host, tls));
        },
      );
    } catch (error) {
      // Created meanwhile by a concurrent retry: set its password instead.
      if (errnoOf(error) !== ER_CANNOT_USER) throw error;
      await this.#setPasswordAndTls(account, password, tls);
    }
  }

  /**
   * Runs `modern` (ALTER USER, or CREATE USER ... REQUIRE) unless this server is known not to
   * parse it; on ER_PARSE_ERROR remembers that and runs `legacy`.
   */
  async #withAlterUser(modern: () => Promise<unknown>, legacy: () => Promise<unknown>) {
    if (this.#alterUser === false) {
      await legacy();
      return;
    }
    try {
      await modern();
      this.#alterUser = true;
    } catch (error) {
      if (this.#alterUser === true || errnoOf(error) !== ER_PARSE_ERROR) throw error;
      this.#alterUser = false;
      await legacy();
    }
  }

  async #scalar(statement: Statement, column: string): Promise<string> {
    const rows = await this.#run(statement);
    const value = rows[0]?.[column];
    if (typeof value !== 'string') {
      throw new RotasyncError(`${statement.label} returned no value`);
    }
    return value;
  }

  /**
   * Sends one statement through mysql2's client-side `query` formatting. A failure becomes a
   * RotasyncError (DatabaseUnreachableError when the connection broke) carrying the errno, so
   * callers can branch on it, and no statement text.
   */
  async #run(statement: Statement): Promise<RowDataPacket[]> {
    const secrets = statement.values.flatMap((value) =>
      typeof value === 'string' ? [] : [value.reveal()],
    );
    const values = statement.values.map((value) =>
      typeof value === 'string' ? value : value.reveal(),
    );
    try {
      const [rows] =
        values.length === 0
          ? await this.#connection.query<RowDataPacket[]>(statement.sql)
          : await this.#connection.query<RowDataPacket[]>(statement.sql, values);
      return Array.isArray(rows) ? rows : [];
    } catch (error) {
      const cause = sanitizedCause(error, secrets, !statement.carriesSecret);
      const message = `${statement.label} failed: ${describeError(cause)}`;
      const where = { step: `${this.#flavor} session as "${this.username}"` };
      const failure =
        asDriverError(error).fatal === true
          ? new DatabaseUnreachableError(message, where, { cause })
          : new RotasyncError(message, where, { cause });
      throw Object.assign(failure, { errno: errnoOf(error) });
    }
  }
}

const engine = (name: EngineName & MysqlFlavor, maxUsernameLength: number): Engine => ({
  name,
  defaultPort: 3306,
  defaultDatabase: undefined,
  maxUsernameLength,
  login: (endpoint, credentials, options) => login(name, endpoint, credentials, options),
});

/** MySQL 5.7.8+ and 8.x: user names up to 32 characters. */
export const mysqlEngine: Engine = engine('mysql', 32);

/**
 * MariaDB: user names up to 80 characters, the limit of MariaDB 5.5 to 10.5 (`mysql.user.User`
 * is char(80) there). 10.6+ accepts 128 (the 10.11 test server's column is char(128)); 80 keeps
 * a clone name valid on every MariaDB version RDS runs.
 */
export const mariadbEngine: Engine = engine('mariadb', 80);
