/**
 * Pure SQL builders for MySQL and MariaDB: no connection, no server.
 *
 * Every user name, host and password reaches SQL through mysql2's `escape` (single-quoted, with
 * backslash escapes) or a `?` placeholder filled by mysql2's client-side `query` formatting; the
 * session clears `NO_BACKSLASH_ESCAPES` first, so no character can close the literal. Passwords
 * stay `Sensitive` inside a Statement and are revealed only by the session, at the driver call.
 */
import { escape as escapeLiteral } from 'mysql2/promise';
import { DatabaseUserError, UnexpectedAnswerError } from '#shared/errors.js';
import type { Sensitive } from '#shared/sensitive.js';

/** The server family: decides only the shape of `mysql.user` (MariaDB lists roles there). */
export type MysqlFlavor = 'mysql' | 'mariadb';

/** One SQL statement: `sql` with `?` placeholders, filled from `values` by mysql2's `query`. */
export interface Statement {
  /** Names the statement in error messages; never holds a value. */
  readonly label: string;
  readonly sql: string;
  /** Placeholder values; a password stays Sensitive until the session sends it. */
  readonly values: readonly (string | Sensitive<string>)[];
  /** True when a value is secret: an error then reports no server message at all. */
  readonly carriesSecret: boolean;
}

/** An account's TLS requirement, as `mysql.user` stores it (ssl_type and the three details). */
export interface TlsRequirement {
  /** `''` none, `ANY` (REQUIRE SSL), `X509`, `SPECIFIED` (ISSUER/SUBJECT/CIPHER). */
  readonly type: '' | 'ANY' | 'X509' | 'SPECIFIED';
  readonly cipher: string;
  readonly issuer: string;
  readonly subject: string;
}

/** An account named in a statement. */
export interface Account {
  readonly user: string;
  readonly host: string;
}

/** The TLS requirement of an account with none. */
export const NO_TLS_REQUIREMENT: TlsRequirement = { type: '', cipher: '', issuer: '', subject: '' };

/** Builds a Statement; `carriesSecret` when a value is a password. */
export const statement = (
  label: string,
  sql: string,
  values: readonly (string | Sensitive<string>)[] = [],
  carriesSecret = false,
): Statement => ({ label, sql, values, carriesSecret });

/**
 * Throws when `value` cannot be a MySQL user or host name: empty user names (the anonymous
 * user) and NUL characters (cut short by the C server) are refused before any SQL is built.
 */
export const assertAccountPart = (value: string, what: 'user name' | 'host'): void => {
  if (what === 'user name' && value.length === 0) {
    throw new DatabaseUserError('the MySQL user name is empty');
  }
  if (value.includes('\0')) {
    throw new DatabaseUserError(`the MySQL ${what} contains a NUL character`);
  }
};

/** Throws when a password holds a NUL: the login handshake could not carry it intact. */
export const assertPassword = (password: Sensitive<string>): void => {
  if (password.reveal().includes('\0')) {
    throw new DatabaseUserError('the new MySQL password contains a NUL character');
  }
};

/** `'user'@'host'`, both parts escaped by mysql2. */
export const accountSql = (user: string, host: string): string => {
  assertAccountPart(user, 'user name');
  assertAccountPart(host, 'host');
  return `${escapeLiteral(user)}@${escapeLiteral(host)}`;
};

/** `[user, host]` for a `?@?` placeholder pair, both checked. */
const accountValues = (user: string, host: string): [string, string] => {
  assertAccountPart(user, 'user name');
  assertAccountPart(host, 'host');
  return [user, host];
};

/** Reads the session's sql_mode, to clear the modes that change how literals are quoted. */
export const readSqlMode = (): Statement =>
  statement('SELECT @@SESSION.sql_mode', 'SELECT @@SESSION.sql_mode AS mode');

/**
 * The sql_mode without NO_BACKSLASH_ESCAPES (which would let a backslash-escaped quote close a
 * literal) and ANSI_QUOTES; `undefined` when `mode` has neither, so nothing needs to change.
 */
export const safeSqlMode = (mode: string): string | undefined => {
  const modes = mode.split(',').filter((part) => part.length > 0);
  const kept = modes.filter((part) => part !== 'NO_BACKSLASH_ESCAPES' && part !== 'ANSI_QUOTES');
  return kept.length === modes.length ? undefined : kept.join(',');
};

/** Sets the session's sql_mode (a list of mode names). */
export const setSqlMode = (mode: string): Statement =>
  statement('SET SESSION sql_mode', 'SET SESSION sql_mode = ?', [mode]);

/**
 * MariaDB (10.1.2+): the prefix that aborts the statement it precedes once it has run `ms`
 * milliseconds, lock waits included, with no extra round trip. The value must be a numeric
 * literal (a quoted one is refused); it is a number formatted here, never input. MySQL has no
 * such limit for statements other than SELECT: there the client-side timeout alone applies.
 * https://mariadb.com/kb/en/set-statement/
 */
export const maxStatementTimePrefix = (ms: number): string =>
  `SET STATEMENT max_statement_time = ${(Math.max(1, Math.ceil(ms)) / 1000).toFixed(3)} FOR `;

/**
 * The server's read-only switches: `read_only` (a MySQL or MariaDB read replica; only accounts
 * with SUPER or READ ONLY ADMIN may write) and `innodb_read_only` (an Aurora MySQL reader).
 */
export const readOnlyFlags = (): Statement =>
  statement(
    'read the read-only switches',
    'SELECT @@global.read_only AS read_only, @@global.innodb_read_only AS innodb_read_only',
  );

/** The trivial query a probe runs. */
export const probe = (): Statement => statement('SELECT 1', 'SELECT 1');

/** The account the server matched for this session, as `user@host`. */
export const currentUser = (): Statement =>
  statement('SELECT CURRENT_USER()', 'SELECT CURRENT_USER() AS account');

/**
 * Splits `CURRENT_USER()`'s `user@host` at its last `@` (a user name may hold `@`, a host not).
 */
export const splitCurrentUser = (account: string): { user: string; host: string } => {
  const at = account.lastIndexOf('@');
  if (at < 0) throw new UnexpectedAnswerError('CURRENT_USER() returned no host part');
  return { user: account.slice(0, at), host: account.slice(at + 1) };
};

/**
 * Every account (host part) of `user` with its TLS requirement. MariaDB keeps roles in
 * `mysql.user` too (`is_role = 'Y'`), so they are left out there.
 */
export const listAccounts = (user: string, flavor: MysqlFlavor): Statement => {
  assertAccountPart(user, 'user name');
  const roles = flavor === 'mariadb' ? " AND is_role <> 'Y'" : '';
  return statement(
    'SELECT FROM mysql.user',
    'SELECT Host AS host, ssl_type AS sslType, ssl_cipher AS sslCipher,' +
      ' x509_issuer AS x509Issuer, x509_subject AS x509Subject' +
      ` FROM mysql.user WHERE User = ?${roles} ORDER BY Host`,
    [user],
  );
};

/**
 * Only the host parts of `user`'s accounts: what a password change needs, readable with nothing
 * more than `GRANT SELECT (User, Host, is_role) ON mysql.user` (MariaDB; `(User, Host)` on MySQL).
 */
export const listAccountHosts = (user: string, flavor: MysqlFlavor): Statement => {
  assertAccountPart(user, 'user name');
  const roles = flavor === 'mariadb' ? " AND is_role <> 'Y'" : '';
  return statement(
    'SELECT Host FROM mysql.user',
    `SELECT Host AS host FROM mysql.user WHERE User = ?${roles} ORDER BY Host`,
    [user],
  );
};

/** The column grant that lets a user list its own host accounts, for error messages. */
export const listAccountsGrant = (flavor: MysqlFlavor): string =>
  `SELECT (User, Host${flavor === 'mariadb' ? ', is_role' : ''}) ON mysql.user`;

/**
 * The `REQUIRE ...` clause that sets `tls` exactly (REQUIRE NONE clears a requirement), with
 * `?` placeholders for the issuer, subject and cipher, and their values.
 */
export const requireClauseParts = (tls: TlsRequirement): { sql: string; values: string[] } => {
  switch (tls.type) {
    case '':
      return { sql: 'REQUIRE NONE', values: [] };
    case 'ANY':
      return { sql: 'REQUIRE SSL', values: [] };
    case 'X509':
      return { sql: 'REQUIRE X509', values: [] };
    case 'SPECIFIED': {
      const parts = (
        [
          ['ISSUER', tls.issuer],
          ['SUBJECT', tls.subject],
          ['CIPHER', tls.cipher],
        ] as const
      ).filter(([, value]) => value.length > 0);
      // SPECIFIED with no detail still demands a verified client certificate: that is X509.
      if (parts.length === 0) return { sql: 'REQUIRE X509', values: [] };
      return {
        sql: `REQUIRE ${parts.map(([name]) => `${name} ?`).join(' AND ')}`,
        values: parts.map(([, value]) => value),
      };
    }
  }
};

/** The `REQUIRE ...` clause as finished SQL, its values escaped by mysql2. */
export const requireClause = (tls: TlsRequirement): string => {
  const { sql, values } = requireClauseParts(tls);
  let index = 0;
  return sql.replace(/\?/g, () => escapeLiteral(values[index++] ?? ''));
};

/**
 * `<verb> USER ?@? IDENTIFIED BY ?`, plus the REQUIRE clause that sets `tls` when one is given:
 * the one shape of the statements below that set an account's password (and TLS requirement).
 */
const userIdentifiedBy = (
  verb: 'ALTER' | 'CREATE',
  user: string,
  host: string,
  password: Sensitive<string>,
  tls?: TlsRequirement,
): Statement => {
  assertPassword(password);
  const require = tls === undefined ? undefined : requireClauseParts(tls);
  const label = `${verb} USER ... IDENTIFIED BY`;
  return statement(
    require === undefined ? label : `${label} ... REQUIRE`,
    require === undefined
      ? `${verb} USER ?@? IDENTIFIED BY ?`
      : `${verb} USER ?@? IDENTIFIED BY ? ${require.sql}`,
    [...accountValues(user, host), password, ...(require?.values ?? [])],
    true,
  );
};

/** `ALTER USER ... IDENTIFIED BY` (MySQL 5.7.6+, MariaDB 10.2+): sets one account's password. */
export const alterUserPassword = (
  user: string,
  host: string,
  password: Sensitive<string>,
): Statement => userIdentifiedBy('ALTER', user, host, password);

/** The same plus the TLS requirement, in one statement (MySQL 5.7.6+, MariaDB 10.2+). */
export const alterUserPasswordAndTls = (
  user: string,
  host: string,
  password: Sensitive<string>,
  tls: TlsRequirement,
): Statement => userIdentifiedBy('ALTER', user, host, password, tls);

/** The pre-ALTER USER form (MySQL 5.6, MariaDB 10.1): `SET PASSWORD FOR ... = PASSWORD(?)`. */
export const setPasswordFor = (
  user: string,
  host: string,
  password: Sensitive<string>,
): Statement => {
  assertPassword(password);
  return statement(
    'SET PASSWORD FOR ... = PASSWORD()',
    `SET PASSWORD FOR ?@? = PASSWORD(?)`,
    [...accountValues(user, host), password],
    true,
  );
};

/**
 * The session's own password, for a user without CREATE USER (MariaDB refuses such a user
 * ALTER USER even on itself): `SET PASSWORD = PASSWORD(?)`, MariaDB and MySQL up to 5.7.
 */
export const setOwnPasswordHashed = (password: Sensitive<string>): Statement => {
  assertPassword(password);
  return statement('SET PASSWORD = PASSWORD()', 'SET PASSWORD = PASSWORD(?)', [password], true);
};

/**
 * MySQL 8 removed PASSWORD(); there `SET PASSWORD = 'literal'` takes the clear text. Only used
 * after PASSWORD() proved missing: on MariaDB the literal would be read as a hash.
 */
export const setOwnPasswordPlain = (password: Sensitive<string>): Statement => {
  assertPassword(password);
  return statement('SET PASSWORD = literal', 'SET PASSWORD = ?', [password], true);
};

/** Creates `user@host` with a password and the TLS requirement in one statement. */
export const createUser = (
  user: string,
  host: string,
  password: Sensitive<string>,
  tls: TlsRequirement,
): Statement => userIdentifiedBy('CREATE', user, host, password, tls);

/** Creates `user@host` with a password only (servers whose CREATE USER has no REQUIRE). */
export const createUserLegacy = (
  user: string,
  host: string,
  password: Sensitive<string>,
): Statement => userIdentifiedBy('CREATE', user, host, password);

/** Sets the TLS requirement the pre-5.7 way: `GRANT USAGE ... REQUIRE`. */
export const grantUsageRequire = (user: string, host: string, tls: TlsRequirement): Statement =>
  statement(
    'GRANT USAGE ... REQUIRE',
    `GRANT USAGE ON *.* TO ${accountSql(user, host)} ${requireClause(tls)}`,
  );

/** `SHOW GRANTS FOR user@host`. */
export const showGrants = (user: string, host: string): Statement =>
  statement('SHOW GRANTS FOR', `SHOW GRANTS FOR ${accountSql(user, host)}`);

/**
 * MySQL 8's default roles of one account (SHOW GRANTS does not list them there; MariaDB prints
 * them as `SET DEFAULT ROLE` lines instead). MySQL 5.7 has no such table (ER_NO_SUCH_TABLE).
 */
export const listDefaultRoles = (user: string, host: string): Statement =>
  statement(
    'SELECT FROM mysql.default_roles',
    'SELECT DEFAULT_ROLE_USER AS user, DEFAULT_ROLE_HOST AS host FROM mysql.default_roles' +
      ' WHERE USER = ? AND HOST = ? ORDER BY DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST',
    accountValues(user, host),
  );

/** MySQL 8: makes `roles` (maybe none) the default roles of `account`. */
export const setDefaultRoles = (account: Account, roles: readonly Account[]): Statement => {
  const list =
    roles.length === 0 ? 'NONE' : roles.map((r) => accountSql(r.user, r.host)).join(', ');
  return statement(
    'SET DEFAULT ROLE ... TO',
    `SET DEFAULT ROLE ${list} TO ${accountSql(account.user, account.host)}`,
  );
};

/** Plain-text differences between two TLS requirements; names fields, never their values. */
export const tlsDifferences = (original: TlsRequirement, clone: TlsRequirement): string[] => {
  const label = (type: TlsRequirement['type']): string =>
    ({ '': 'NONE', ANY: 'SSL', X509: 'X509', SPECIFIED: 'SPECIFIED' })[type];
  const differences: string[] = [];
  if (original.type !== clone.type) {
    differences.push(`TLS requirement ${label(clone.type)} instead of ${label(original.type)}`);
  }
  for (const field of ['issuer', 'subject', 'cipher'] as const) {
    if (original[field] !== clone[field]) differences.push(`TLS ${field} differs`);
  }
  return differences;
};

/** Reads a `mysql.user` TLS column (BLOB in MySQL, text in MariaDB) as a string. */
export const columnText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
};

/** Builds a TlsRequirement from the `listAccounts` columns. */
export const tlsRequirementOf = (row: Readonly<Record<string, unknown>>): TlsRequirement => {
  const type = columnText(row.sslType).toUpperCase();
  if (type !== '' && type !== 'ANY' && type !== 'X509' && type !== 'SPECIFIED') {
    throw new UnexpectedAnswerError('mysql.user holds an unknown ssl_type');
  }
  return {
    type,
    cipher: columnText(row.sslCipher),
    issuer: columnText(row.x509Issuer),
    subject: columnText(row.x509Subject),
  };
};
