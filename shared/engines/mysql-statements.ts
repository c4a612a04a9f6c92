/**
 * Pure SQL builders and `SHOW GRANTS` parsing for MySQL and MariaDB: no connection, no server.
 *
 * Every user name, host and password reaches SQL through mysql2's `escape` (single-quoted, with
 * backslash escapes) or a `?` placeholder filled by mysql2's client-side `query` formatting; the
 * session clears `NO_BACKSLASH_ESCAPES` first, so no character can close the literal. Passwords
 * stay `Sensitive` inside a Statement and are revealed only by the session, at the driver call.
 * Grant replay re-runs the server's own `SHOW GRANTS` text with the grantee (parsed, never
 * string-replaced) swapped for the clone, as the official alternating-users template does.
 */
import { escape as escapeLiteral } from 'mysql2/promise';
import { RotasyncError } from '#shared/errors.js';
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

/** The TLS requirement of an account with none. */
export const NO_TLS_REQUIREMENT: TlsRequirement = { type: '', cipher: '', issuer: '', subject: '' };

const statement = (
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
    throw new RotasyncError('the MySQL user name is empty');
  }
  if (value.includes('\0')) {
    throw new RotasyncError(`the MySQL ${what} contains a NUL character`);
  }
};

/** Throws when a password holds a NUL: the login handshake could not carry it intact. */
export const assertPassword = (password: Sensitive<string>): void => {
  if (password.reveal().includes('\0')) {
    throw new RotasyncError('the new MySQL password contains a NUL character');
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
  if (at < 0) throw new RotasyncError('CURRENT_USER() returned no host part');
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

/** `ALTER USER ... IDENTIFIED BY` (MySQL 5.7.6+, MariaDB 10.2+): sets one account's password. */
export const alterUserPassword = (
  user: string,
  host: string,
  password: Sensitive<string>,
): Statement => {
  assertPassword(password);
  return statement(
    'ALTER USER ... IDENTIFIED BY',
    `ALTER USER ?@? IDENTIFIED BY ?`,
    [...accountValues(user, host), password],
    true,
  );
};

/** The same plus the TLS requirement, in one statement (MySQL 5.7.6+, MariaDB 10.2+). */
export const alterUserPasswordAndTls = (
  user: string,
  host: string,
  password: Sensitive<string>,
  tls: TlsRequirement,
): Statement => {
  assertPassword(password);
  const require = requireClauseParts(tls);
  return statement(
    'ALTER USER ... IDENTIFIED BY ... REQUIRE',
    `ALTER USER ?@? IDENTIFIED BY ? ${require.sql}`,
    [...accountValues(user, host), password, ...require.values],
    true,
  );
};

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
): Statement => {
  assertPassword(password);
  const require = requireClauseParts(tls);
  return statement(
    'CREATE USER ... IDENTIFIED BY ... REQUIRE',
    `CREATE USER ?@? IDENTIFIED BY ? ${require.sql}`,
    [...accountValues(user, host), password, ...require.values],
    true,
  );
};

/** Creates `user@host` with a password only (servers whose CREATE USER has no REQUIRE). */
export const createUserLegacy = (
  user: string,
  host: string,
  password: Sensitive<string>,
): Statement => {
  assertPassword(password);
  return statement(
    'CREATE USER ... IDENTIFIED BY',
    `CREATE USER ?@? IDENTIFIED BY ?`,
    [...accountValues(user, host), password],
    true,
  );
};

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
export const setDefaultRoles = (
  account: { readonly user: string; readonly host: string },
  roles: readonly { readonly user: string; readonly host: string }[],
): Statement => {
  const list =
    roles.length === 0 ? 'NONE' : roles.map((r) => accountSql(r.user, r.host)).join(', ');
  return statement(
    'SET DEFAULT ROLE ... TO',
    `SET DEFAULT ROLE ${list} TO ${accountSql(account.user, account.host)}`,
  );
};

// ---------------------------------------------------------------------------------------------
// SHOW GRANTS parsing

type TokenKind = 'word' | 'quoted' | 'punct';

interface Token {
  readonly kind: TokenKind;
  /** The token as written (quotes included). */
  readonly raw: string;
  /** Words upper-cased; quoted tokens unquoted and unescaped. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const BACKSLASH_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
};

const readQuoted = (text: string, start: number): Token => {
  const quote = text.charAt(start);
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === quote) {
      if (text.charAt(i + 1) === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { kind: 'quoted', raw: text.slice(start, i + 1), value, start, end: i + 1 };
    }
    if (ch === '\\' && quote !== '`' && i + 1 < text.length) {
      const next = text.charAt(i + 1);
      value += BACKSLASH_ESCAPES[next] ?? next;
      i += 2;
      continue;
    }
    value += ch;
    i += 1;
  }
  throw new RotasyncError('SHOW GRANTS returned an unterminated quoted name');
};

/** Splits a statement into words, quoted names/strings and punctuation. */
export const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '`' || ch === "'" || ch === '"') {
      const token = readQuoted(text, i);
      tokens.push(token);
      i = token.end;
    } else if (/[A-Za-z0-9_$]/.test(ch)) {
      let end = i + 1;
      while (end < text.length && /[A-Za-z0-9_$]/.test(text.charAt(end))) end += 1;
      const raw = text.slice(i, end);
      tokens.push({ kind: 'word', raw, value: raw.toUpperCase(), start: i, end });
      i = end;
    } else {
      tokens.push({ kind: 'punct', raw: ch, value: ch, start: i, end: i + 1 });
      i += 1;
    }
  }
  return tokens;
};

/** An account named in a statement. */
export interface Account {
  readonly user: string;
  readonly host: string;
}

/** Options after the grantee that are kept on replay. */
interface GrantOptions {
  readonly grantOption: boolean;
  readonly adminOption: boolean;
  /** Resource limits such as `MAX_USER_CONNECTIONS 5` (MariaDB and MySQL 5.x print them). */
  readonly limits: readonly string[];
}

/** One line of `SHOW GRANTS`, understood. */
export type GrantLine =
  | ({
      readonly kind: 'privileges';
      /** One entry per privilege and column: `SELECT`, `SELECT (\`c\`)`, `BACKUP_ADMIN`. */
      readonly privileges: readonly string[];
      /** The object as the server wrote it: `*.*`, `\`db\`.*`, `PROCEDURE \`db\`.\`p\``. */
      readonly object: string;
    } & LineCommon &
      GrantOptions)
  | ({
      readonly kind: 'roles';
      /** Roles as the server wrote them: `\`r1\`` (MariaDB) or `\`r1\`@\`%\`` (MySQL 8). */
      readonly roles: readonly string[];
    } & LineCommon &
      GrantOptions)
  | ({
      /** A MySQL 8 partial revoke: `REVOKE INSERT ON \`mysql\`.* FROM ...`. */
      readonly kind: 'partial-revoke';
      readonly privileges: readonly string[];
      readonly object: string;
    } & LineCommon)
  | ({
      /** MariaDB's `SET DEFAULT ROLE \`r\` FOR ...`. */
      readonly kind: 'default-role';
      readonly role: string;
    } & LineCommon);

interface LineCommon {
  readonly grantee: Account;
  /** The server's text before the grantee, replayed as is. */
  readonly head: string;
}

const isWord = (token: Token | undefined, word: string): boolean =>
  token?.kind === 'word' && token.value === word;

/** Index of the first top-level (outside parentheses) word `word` at or after `from`. */
const findWord = (tokens: readonly Token[], word: string, from: number): number => {
  let depth = 0;
  for (let i = from; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token?.kind === 'punct' && token.value === '(') depth += 1;
    else if (token?.kind === 'punct' && token.value === ')') depth -= 1;
    else if (depth === 0 && isWord(token, word)) return i;
  }
  return -1;
};

/** Splits tokens [from, to) at top-level commas. */
const splitList = (tokens: readonly Token[], from: number, to: number): Token[][] => {
  const items: Token[][] = [[]];
  let depth = 0;
  for (let i = from; i < to; i += 1) {
    const token = tokens[i];
    if (token === undefined) break;
    if (token.kind === 'punct' && token.value === '(') depth += 1;
    if (token.kind === 'punct' && token.value === ')') depth -= 1;
    if (depth === 0 && token.kind === 'punct' && token.value === ',') items.push([]);
    else items.at(-1)?.push(token);
  }
  return items.filter((item) => item.length > 0);
};

const sliceText = (text: string, tokens: readonly Token[]): string => {
  const first = tokens[0];
  const last = tokens.at(-1);
  return first && last ? text.slice(first.start, last.end) : '';
};

/** `SELECT (\`a\`, \`b\`)` → `SELECT (\`a\`)`, `SELECT (\`b\`)`; `INSERT` → `INSERT`. */
const privilegeAtoms = (item: readonly Token[]): string[] => {
  const open = item.findIndex((token) => token.kind === 'punct' && token.value === '(');
  const nameTokens = open < 0 ? item : item.slice(0, open);
  const name = nameTokens.map((token) => token.value).join(' ');
  if (nameTokens.some((token) => token.kind !== 'word') || name.length === 0) {
    throw new RotasyncError('SHOW GRANTS returned a privilege that could not be parsed');
  }
  if (open < 0) return [name];
  const columns = item.slice(open + 1).filter((token) => token.kind !== 'punct');
  return columns.map((column) => `${name} (${column.raw})`);
};

const readName = (token: Token | undefined): string | undefined =>
  token?.kind === 'quoted' || token?.kind === 'word' ? token.value : undefined;

/** Parses `user@host` at `index`; returns the account and the index after it. */
const readAccount = (
  tokens: readonly Token[],
  index: number,
): { account: Account; next: number } | undefined => {
  const user = readName(tokens[index]);
  const at = tokens[index + 1];
  const host = readName(tokens[index + 2]);
  if (user === undefined || at?.kind !== 'punct' || at.value !== '@' || host === undefined) {
    return undefined;
  }
  // Quoted tokens keep their case; an unquoted word's raw text is the name.
  const rawName = (token: Token | undefined): string =>
    token?.kind === 'word' ? token.raw : (token?.value ?? '');
  return {
    account: { user: rawName(tokens[index]), host: rawName(tokens[index + 2]) },
    next: index + 3,
  };
};

const LIMIT_NAMES = new Set([
  'MAX_QUERIES_PER_HOUR',
  'MAX_UPDATE_PER_HOUR',
  'MAX_CONNECTIONS_PER_HOUR',
  'MAX_USER_CONNECTIONS',
  'MAX_STATEMENT_TIME',
]);

/**
 * Reads what follows the grantee: drops `IDENTIFIED ...` (old servers print the password hash
 * there; the clone has its own password) and `REQUIRE ...` (copied from mysql.user instead),
 * keeps WITH GRANT OPTION, WITH ADMIN OPTION and resource limits.
 */
const readOptions = (tokens: readonly Token[], from: number): GrantOptions => {
  let grantOption = false;
  let adminOption = false;
  const limits: string[] = [];
  let i = from;
  while (i < tokens.length) {
    if (isWord(tokens[i], 'IDENTIFIED') || isWord(tokens[i], 'REQUIRE')) {
      i += 1;
      while (i < tokens.length && !isWord(tokens[i], 'WITH') && !isWord(tokens[i], 'REQUIRE')) {
        i += 1;
      }
    } else if (isWord(tokens[i], 'WITH')) {
      i += 1;
    } else if (isWord(tokens[i], 'GRANT') && isWord(tokens[i + 1], 'OPTION')) {
      grantOption = true;
      i += 2;
    } else if (isWord(tokens[i], 'ADMIN') && isWord(tokens[i + 1], 'OPTION')) {
      adminOption = true;
      i += 2;
    } else {
      const name = tokens[i];
      const amount = tokens[i + 1];
      if (
        name?.kind !== 'word' ||
        !LIMIT_NAMES.has(name.value) ||
        amount?.kind !== 'word' ||
        !/^\d+(\.\d+)?$/.test(amount.raw)
      ) {
        throw new RotasyncError('SHOW GRANTS returned an option that could not be parsed');
      }
      limits.push(`${name.value} ${amount.raw}`);
      i += 2;
    }
  }
  return { grantOption, adminOption, limits };
};

/**
 * Parses one `SHOW GRANTS` line. Throws on a form it does not know, so a grant is never
 * replayed half-understood.
 */
export const parseGrantLine = (text: string): GrantLine => {
  const tokens = tokenize(text);
  const unknown = (): never => {
    throw new RotasyncError('SHOW GRANTS returned a line that could not be parsed');
  };
  const accountAt = (index: number): { account: Account; next: number } =>
    readAccount(tokens, index) ?? unknown();
  const head = (index: number): string => text.slice(0, tokens[index]?.start ?? text.length);

  if (isWord(tokens[0], 'GRANT')) {
    const to = findWord(tokens, 'TO', 1);
    if (to < 0) return unknown();
    const on = findWord(tokens, 'ON', 1);
    const { account, next } = accountAt(to + 1);
    const options = readOptions(tokens, next);
    if (on > 0 && on < to) {
      const privileges = splitList(tokens, 1, on).flatMap(privilegeAtoms);
      const object = sliceText(text, tokens.slice(on + 1, to));
      if (object.length === 0) return unknown();
      return {
        kind: 'privileges',
        privileges,
        object,
        grantee: account,
        head: head(to + 1),
        ...options,
      };
    }
    const roles = splitList(tokens, 1, to).map((item) => sliceText(text, item));
    if (roles.length === 0) return unknown();
    return { kind: 'roles', roles, grantee: account, head: head(to + 1), ...options };
  }
  if (isWord(tokens[0], 'REVOKE')) {
    const on = findWord(tokens, 'ON', 1);
    const from = findWord(tokens, 'FROM', 1);
    if (on < 0 || from < on) return unknown();
    const { account, next } = accountAt(from + 1);
    if (next !== tokens.length) return unknown();
    return {
      kind: 'partial-revoke',
      privileges: splitList(tokens, 1, on).flatMap(privilegeAtoms),
      object: sliceText(text, tokens.slice(on + 1, from)),
      grantee: account,
      head: head(from + 1),
    };
  }
  if (isWord(tokens[0], 'SET') && isWord(tokens[1], 'DEFAULT') && isWord(tokens[2], 'ROLE')) {
    const forIndex = findWord(tokens, 'FOR', 3);
    if (forIndex !== 4) return unknown();
    const { account, next } = accountAt(forIndex + 1);
    if (next !== tokens.length) return unknown();
    return {
      kind: 'default-role',
      role: sliceText(text, tokens.slice(3, forIndex)),
      grantee: account,
      head: head(forIndex + 1),
    };
  }
  return unknown();
};

const sameAccount = (a: Account, b: Account): boolean =>
  a.user === b.user && a.host.toLowerCase() === b.host.toLowerCase();

const optionsSql = (line: GrantOptions): string => {
  const parts = [
    line.grantOption ? 'GRANT OPTION' : '',
    line.adminOption ? 'ADMIN OPTION' : '',
    ...line.limits,
  ].filter((part) => part.length > 0);
  return parts.length > 0 ? ` WITH ${parts.join(' ')}` : '';
};

/**
 * The statement that gives `to` what `line` gives its grantee: the server's text before the
 * grantee, then `to` (escaped), then the kept options. Throws if the line's grantee is not
 * `from`, so a line about another account is never replayed.
 */
export const regrant = (line: GrantLine, from: Account, to: Account): Statement => {
  if (!sameAccount(line.grantee, from)) {
    throw new RotasyncError('SHOW GRANTS returned a line for another account');
  }
  const tail = line.kind === 'privileges' || line.kind === 'roles' ? optionsSql(line) : '';
  // The head is server text; it may hold `?` in names, so it must never pass through format.
  return statement(`replay ${line.kind}`, `${line.head}${accountSql(to.user, to.host)}${tail}`);
};

/** One thing a grant list gives: compared between accounts, and undone when surplus. */
export interface GrantAtom {
  /** Plain description, e.g. `SELECT on \`db\`.*`; no secret values. */
  readonly key: string;
  /** The statement that takes this atom away from `account` (grants re-added afterwards). */
  readonly undo: (account: Account) => Statement;
}

const undoing = (key: string, sql: (grantee: string) => string): GrantAtom => ({
  key,
  undo: (account) =>
    statement(`undo ${key.split(' ')[0] ?? ''}`, sql(accountSql(account.user, account.host))),
});

/** The atoms one line gives. */
const atomsOfLine = (line: GrantLine): GrantAtom[] => {
  switch (line.kind) {
    case 'privileges':
      return [
        ...line.privileges
          .filter((privilege) => privilege !== 'USAGE')
          .map((privilege) =>
            undoing(
              `privilege ${privilege} on ${line.object}`,
              (grantee) => `REVOKE ${privilege} ON ${line.object} FROM ${grantee}`,
            ),
          ),
        ...(line.grantOption
          ? [
              undoing(
                `GRANT OPTION on ${line.object}`,
                (grantee) => `REVOKE GRANT OPTION ON ${line.object} FROM ${grantee}`,
              ),
            ]
          : []),
        ...line.limits.map((limit) =>
          undoing(
            `resource limit ${limit}`,
            (grantee) => `GRANT USAGE ON *.* TO ${grantee} WITH ${limit.split(' ')[0] ?? ''} 0`,
          ),
        ),
      ];
    case 'roles':
      return line.roles.flatMap((role) => [
        undoing(`role ${role}`, (grantee) => `REVOKE ${role} FROM ${grantee}`),
        // Revoking the whole role drops the admin option; the replay then re-grants the role.
        ...(line.adminOption
          ? [undoing(`ADMIN OPTION on role ${role}`, (grantee) => `REVOKE ${role} FROM ${grantee}`)]
          : []),
      ]);
    case 'partial-revoke':
      return line.privileges.map((privilege) =>
        undoing(
          `partial revoke of ${privilege} on ${line.object}`,
          (grantee) => `GRANT ${privilege} ON ${line.object} TO ${grantee}`,
        ),
      );
    case 'default-role':
      return [
        undoing(`default role ${line.role}`, (grantee) => `SET DEFAULT ROLE NONE FOR ${grantee}`),
      ];
  }
};

/** What a parsed grant list gives, atom by atom (USAGE gives nothing). */
export const grantAtoms = (lines: readonly GrantLine[]): GrantAtom[] => lines.flatMap(atomsOfLine);

/** Atoms of `have` missing from `want`, by key. */
export const surplusAtoms = (
  have: readonly GrantAtom[],
  want: readonly GrantAtom[],
): GrantAtom[] => {
  const wanted = new Set(want.map((atom) => atom.key));
  const seen = new Set<string>();
  return have.filter((atom) => {
    if (wanted.has(atom.key) || seen.has(atom.key)) return false;
    seen.add(atom.key);
    return true;
  });
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
    throw new RotasyncError('mysql.user holds an unknown ssl_type');
  }
  return {
    type,
    cipher: columnText(row.sslCipher),
    issuer: columnText(row.x509Issuer),
    subject: columnText(row.x509Subject),
  };
};
