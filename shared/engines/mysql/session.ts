/**
 * An authenticated MySQL/MariaDB session behind the DbSession port. A password change covers
 * every host part of the user (`'app'@'%'`, `'app'@'10.0.%'`, ...); clones get each line of
 * the original's `SHOW GRANTS` replayed (grants.ts). Statements come from statements.ts and go
 * through mysql2's client-side `query` formatting, never `execute`.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { closeWithin } from '#shared/engines/close-within.js';
import { CLIENT_TIMEOUT_GRACE_MS, type DbSession } from '#shared/engines/engine.js';
import {
  DatabaseUnreachableError,
  DatabaseUserError,
  GrantParseError,
  HostAccountsError,
  StatementFailedError,
  StepTimeoutError,
  UnexpectedAnswerError,
} from '#shared/errors.js';
import type { Sensitive } from '#shared/sensitive.js';
import {
  CLIENT_QUERY_TIMEOUT,
  codeOf,
  ER_CANNOT_USER,
  ER_COLUMNACCESS_DENIED,
  ER_DBACCESS_DENIED,
  ER_NO_SUCH_TABLE,
  ER_PARSE_ERROR,
  ER_SP_DOES_NOT_EXIST,
  ER_SPECIFIC_ACCESS_DENIED,
  ER_STATEMENT_TIMEOUT,
  ER_TABLEACCESS_DENIED,
  errnoOf,
  isFatal,
  sanitizedCause,
} from './driver-error.js';
import { type GrantLine, grantAtoms, parseGrantLine, regrant, surplusAtoms } from './grants.js';
import {
  type Account,
  alterUserPassword,
  alterUserPasswordAndTls,
  assertAccountPart,
  createUser,
  createUserLegacy,
  currentUser,
  grantUsageRequire,
  listAccountHosts,
  listAccounts,
  listAccountsGrant,
  listDefaultRoles,
  type MysqlFlavor,
  maxStatementTimePrefix,
  probe,
  readOnlyFlags,
  readSqlMode,
  type Statement,
  safeSqlMode,
  setDefaultRoles,
  setOwnPasswordHashed,
  setOwnPasswordPlain,
  setPasswordFor,
  setSqlMode,
  showGrants,
  splitCurrentUser,
  type TlsRequirement,
  tlsDifferences,
  tlsRequirementOf,
} from './statements.js';

const sameList = (a: readonly Account[], b: readonly Account[]): boolean =>
  a.length === b.length &&
  a.every((item, i) => item.user === b[i]?.user && item.host === b[i]?.host);

/** True when `error` says this session may not read `mysql.user` (or the columns it needs). */
const mayNotReadUserTable = (error: unknown): boolean => {
  const errno = errnoOf(error);
  return (
    errno === ER_TABLEACCESS_DENIED ||
    errno === ER_COLUMNACCESS_DENIED ||
    errno === ER_DBACCESS_DENIED
  );
};

interface AccountRow {
  readonly host: string;
  readonly tls: TlsRequirement;
}

/** An authenticated MySQL/MariaDB session. */
export class MysqlSession implements DbSession {
  public readonly username: string;
  readonly #connection: Connection;
  readonly #flavor: MysqlFlavor;
  #prepared: Promise<void> | undefined;
  /** Whether ALTER USER ... IDENTIFIED BY parses here; learnt from the first attempt. */
  #alterUser: boolean | undefined;

  readonly #timeLeftMs: (() => number) | undefined;

  /** `timeLeftMs`: the step's time left; every statement ends within it (StepTimeoutError). */
  public constructor(
    connection: Connection,
    username: string,
    flavor: MysqlFlavor,
    timeLeftMs?: () => number,
  ) {
    this.#connection = connection;
    this.username = username;
    this.#flavor = flavor;
    this.#timeLeftMs = timeLeftMs;
  }

  public async probe(): Promise<void> {
    await this.#run(probe());
  }

  public async canWrite(): Promise<'writable' | 'read-only'> {
    const [flags] = await this.#run(readOnlyFlags());
    const on = (value: unknown): boolean => Number(value) === 1;
    return on(flags?.read_only) || on(flags?.innodb_read_only) ? 'read-only' : 'writable';
  }

  /**
   * Sets the password of every host account of `username`, its own account last: a session that
   * may not change the others fails before anything changes, and a crash midway leaves the
   * session's own login on the old password, so the retry logs in with it and finishes the job.
   * Throws HostAccountsError when the accounts cannot be listed: changing only the one the
   * session matched would leave the others on a password no version of the secret holds.
   */
  public async setPassword(username: string, password: Sensitive<string>): Promise<void> {
    assertAccountPart(username, 'user name');
    await this.#prepare();
    const hosts = await this.#readAccountHosts(username);
    if (hosts.length === 0) throw this.#noAccount(username);
    const own =
      username === this.username
        ? splitCurrentUser(await this.#scalar(currentUser(), 'account'))
        : undefined;
    const ordered = [
      ...hosts.filter((host) => own?.user !== username || own.host !== host),
      ...hosts.filter((host) => own?.user === username && own.host === host),
    ];
    for (const host of ordered) {
      try {
        await this.#setAccountPassword(username, host, password);
      } catch (error) {
        if (errnoOf(error) !== ER_SPECIFIC_ACCESS_DENIED && errnoOf(error) !== ER_DBACCESS_DENIED) {
          throw error;
        }
        throw new HostAccountsError(
          `cannot set the password of "${username}"@"${host}": this session may not change other accounts (it needs the CREATE USER privilege); the accounts of "${username}" are ${hosts.map((h) => `"${h}"`).join(', ')}${host === ordered[0] ? ', none changed' : ''}`,
          {},
          { cause: error },
        );
      }
    }
  }

  public async ensureClone(
    original: string,
    clone: string,
    password: Sensitive<string>,
  ): Promise<void> {
    assertAccountPart(original, 'user name');
    assertAccountPart(clone, 'user name');
    if (original === clone) throw new DatabaseUserError('a user cannot be its own clone');
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

  /** On MySQL and MariaDB only equal privileges tell a clone: no statement links the two users. */
  public describeCloneProblems(original: string, clone: string): Promise<readonly string[]> {
    return this.describePrivilegeDifferences(original, clone);
  }

  /** Ends the session; a server that stopped answering gets its connection dropped. */
  public async close(): Promise<void> {
    await closeWithin(
      () => this.#connection.end(),
      () => this.#connection.destroy(),
    );
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
      if (mayNotReadUserTable(error)) return undefined;
      throw error;
    }
  }

  /** The host parts of `user`'s accounts; HostAccountsError when this session may not list them. */
  async #readAccountHosts(user: string): Promise<string[]> {
    try {
      const rows = await this.#run(listAccountHosts(user, this.#flavor));
      return rows.map((row) => String(row.host));
    } catch (error) {
      if (!mayNotReadUserTable(error)) throw error;
      throw new HostAccountsError(
        `cannot list the host accounts of user "${user}": this session may not read mysql.user, and a password set on one account only would leave the others on the old one. Grant ${listAccountsGrant(this.#flavor)} TO each account of the user (it reveals user and host names only), or rotate it with alternating users (masterarn), whose superuser sets every account`,
        {},
        { cause: error },
      );
    }
  }

  async #requireAccounts(user: string): Promise<AccountRow[]> {
    const accounts = await this.#readAccounts(user);
    if (accounts === undefined) {
      throw new DatabaseUserError('cloning users needs a session that may read mysql.user');
    }
    if (accounts.length === 0) throw this.#noAccount(user);
    return accounts;
  }

  #noAccount(user: string): DatabaseUserError {
    return new DatabaseUserError(`user "${user}" has no account on this server`);
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
      if (typeof text !== 'string') throw new GrantParseError('returned no text');
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
      throw new UnexpectedAnswerError(`${statement.label} returned no value`);
    }
    return value;
  }

  /**
   * Sends one statement through mysql2's client-side `query` formatting. A failure becomes a
   * StatementFailedError carrying the errno, so callers can branch on it, and no statement
   * text (DatabaseUnreachableError when the connection broke).
   */
  async #run(statement: Statement): Promise<RowDataPacket[]> {
    const secrets = statement.values.flatMap((value) =>
      typeof value === 'string' ? [] : [value.reveal()],
    );
    const values = statement.values.map((value) =>
      typeof value === 'string' ? value : value.reveal(),
    );
    const session = `${this.#flavor} session as "${this.username}"`;
    const left = this.#timeLeftMs?.();
    if (left !== undefined && left <= 0) {
      throw new StepTimeoutError(
        `${session}: gave up before ${statement.label}: time budget spent`,
        {},
      );
    }
    const options =
      left === undefined
        ? { sql: statement.sql }
        : {
            // MariaDB cancels the statement itself at the deadline, a lock wait included;
            // the client gives up a little later, on a server that stops answering.
            sql:
              this.#flavor === 'mariadb'
                ? `${maxStatementTimePrefix(left)}${statement.sql}`
                : statement.sql,
            timeout: Math.ceil(left) + CLIENT_TIMEOUT_GRACE_MS,
          };
    try {
      const [rows] =
        values.length === 0
          ? await this.#connection.query<RowDataPacket[]>(options)
          : await this.#connection.query<RowDataPacket[]>(options, values);
      return Array.isArray(rows) ? rows : [];
    } catch (error) {
      const cause = sanitizedCause(error, secrets, !statement.carriesSecret);
      if (errnoOf(error) === ER_STATEMENT_TIMEOUT || codeOf(error) === CLIENT_QUERY_TIMEOUT) {
        throw new StepTimeoutError(
          `${session}: ${statement.label} did not finish within the step's time left (statement timeout): ${cause.message}`,
          {},
          { cause },
        );
      }
      if (isFatal(error)) {
        throw new DatabaseUnreachableError(
          `${session}: ${statement.label} failed: ${cause.message}`,
          {},
          { cause },
        );
      }
      throw new StatementFailedError(
        session,
        statement.label,
        { code: codeOf(error), errno: errnoOf(error) },
        { cause },
      );
    }
  }
}
