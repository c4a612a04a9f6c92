/**
 * `SHOW GRANTS` parsing and replay for MySQL and MariaDB: no connection, no server. Grant
 * replay re-runs the server's own `SHOW GRANTS` text with the grantee (parsed, never
 * string-replaced) swapped for the clone, as the official alternating-users template does.
 * https://dev.mysql.com/doc/refman/8.0/en/show-grants.html
 */
import { GrantParseError } from '#shared/errors.js';
import { type Account, accountSql, type Statement, statement } from './statements.js';

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
  throw new GrantParseError('returned an unterminated quoted name');
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
    throw new GrantParseError('returned a privilege that could not be parsed');
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
        throw new GrantParseError('returned an option that could not be parsed');
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
    throw new GrantParseError('returned a line that could not be parsed');
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
    throw new GrantParseError('returned a line for another account');
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
