/** Shared by the MySQL statement and grant tests: hostile names and reading SQL back. */
import { format } from 'mysql2/promise';
import { tokenize } from '#shared/engines/mysql/grants.js';
import type { Statement } from '#shared/engines/mysql/statements.js';

export const HOSTILE_NAMES = [
  "we'ird`user",
  'back\\slash',
  'dq"uote',
  "'; DROP USER root; --",
  'a?b',
];

/** The SQL text mysql2's `query` would send for a statement. */
export const rendered = (statement: Statement): string =>
  format(
    statement.sql,
    statement.values.map((value) => (typeof value === 'string' ? value : value.reveal())),
  );

/** Reads back the single-quoted literals of rendered SQL with the server's rules. */
export const literalsOf = (sql: string): string[] =>
  tokenize(sql)
    .filter((token) => token.kind === 'quoted' && token.raw.startsWith("'"))
    .map((token) => token.value);

export const app = { user: 'app', host: '%' };
export const clone = { user: 'app_clone', host: '%' };
