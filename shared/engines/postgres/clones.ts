/**
 * Alternating users on PostgreSQL: the clone is a login role that is a member of the original,
 * has the original's role attributes, and acts as the original at login
 * (`ALTER ROLE <clone> SET role = <original>`), so whatever it creates is owned by the original.
 * https://www.postgresql.org/docs/current/sql-alterrole.html
 */
import pg from 'pg';
import { DatabaseUserError } from '#shared/errors.js';

/** Runs one statement on a session; a failure names `what`, never a value in `secrets`. */
export type RunSql = (
  what: string,
  sql: string,
  values: readonly unknown[],
  secrets?: readonly string[],
) => Promise<pg.QueryResult>;

interface RoleRow {
  readonly oid: number;
  readonly rolsuper: boolean;
  readonly rolinherit: boolean;
  readonly rolcreaterole: boolean;
  readonly rolcreatedb: boolean;
  readonly rolcanlogin: boolean;
  readonly rolreplication: boolean;
  readonly rolbypassrls: boolean;
  readonly rolconnlimit: number;
  /** `null` or `'infinity'`: never expires. */
  readonly validuntil: string | null;
}

/** The boolean role attributes copied from the original, with their ALTER ROLE keywords. */
const FLAGS = [
  ['rolsuper', 'SUPERUSER'],
  ['rolcreatedb', 'CREATEDB'],
  ['rolcreaterole', 'CREATEROLE'],
  ['rolinherit', 'INHERIT'],
  ['rolreplication', 'REPLICATION'],
  ['rolbypassrls', 'BYPASSRLS'],
] as const;

const ROLE_QUERY = `SELECT oid::int AS oid, rolsuper, rolinherit, rolcreaterole, rolcreatedb,
  rolcanlogin, rolreplication, rolbypassrls, rolconnlimit, rolvaliduntil::text AS validuntil
  FROM pg_catalog.pg_roles WHERE rolname = $1`;

const neverExpires = (validUntil: string | null): boolean =>
  validUntil === null || validUntil === 'infinity';

const sameExpiry = (a: string | null, b: string | null): boolean =>
  neverExpires(a) ? neverExpires(b) : a === b;

/** ALTER ROLE options that make `clone`'s attributes equal `original`'s; only the changes. */
const attributeChanges = (original: RoleRow, clone: RoleRow | undefined): string[] => {
  const changes: string[] = [];
  for (const [column, keyword] of FLAGS) {
    // A new role starts NOSUPERUSER NOCREATEDB ... INHERIT. Naming an attribute that does not
    // change is avoided: SUPERUSER/REPLICATION/BYPASSRLS, even as NO..., need a superuser.
    const current = clone ? clone[column] : column === 'rolinherit';
    if (original[column] !== current) changes.push(original[column] ? keyword : `NO${keyword}`);
  }
  if (original.rolconnlimit !== (clone?.rolconnlimit ?? -1)) {
    changes.push(`CONNECTION LIMIT ${original.rolconnlimit}`);
  }
  if (!sameExpiry(original.validuntil, clone?.validuntil ?? null)) {
    changes.push(`VALID UNTIL ${pg.escapeLiteral(original.validuntil ?? 'infinity')}`);
  }
  return changes;
};

const ident = (name: string): string => pg.escapeIdentifier(name);

const roleOf = async (run: RunSql, what: string, name: string): Promise<RoleRow | undefined> => {
  const result = await run(what, ROLE_QUERY, [name]);
  return result.rows[0] as RoleRow | undefined;
};

/** Whether the query `sql` finds a row. */
const exists = async (
  run: RunSql,
  what: string,
  sql: string,
  values: readonly unknown[],
): Promise<boolean> => {
  const result = await run(what, `SELECT EXISTS (${sql}) AS found`, values);
  return (result.rows[0] as { found: boolean } | undefined)?.found === true;
};

/** Whether `member` is a member of `role` (GRANT role TO member). */
const isMember = (run: RunSql, what: string, member: string, role: string): Promise<boolean> =>
  exists(
    run,
    what,
    `SELECT 1 FROM pg_catalog.pg_auth_members m
       JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
       JOIN pg_catalog.pg_roles u ON u.oid = m.member
      WHERE r.rolname = $1 AND u.rolname = $2`,
    [role, member],
  );

/** Whether `member` acts as `role` at login (ALTER ROLE member SET role = role). */
const switchesToRole = (
  run: RunSql,
  what: string,
  member: string,
  role: string,
): Promise<boolean> =>
  exists(
    run,
    what,
    `SELECT 1 FROM pg_catalog.pg_db_role_setting s
       JOIN pg_catalog.pg_roles u ON u.oid = s.setrole
      WHERE u.rolname = $1 AND s.setdatabase = 0 AND $2 = ANY (s.setconfig)`,
    [member, `role=${role}`],
  );

/**
 * Makes `clone` a login role with the password whose SCRAM `verifier` is given and exactly the
 * original's attributes and membership, in one transaction, creating it on first use.
 * `secrets` (the password and its verifier) are blanked from any error.
 */
export const ensureClone = async (
  run: RunSql,
  original: string,
  clone: string,
  verifier: string,
  secrets: readonly string[],
): Promise<void> => {
  const what = `clone "${original}" as "${clone}"`;
  // One transaction (PostgreSQL DDL is transactional): a crash leaves all or nothing.
  await run(what, 'BEGIN', []);
  try {
    // Two Lambdas cloning at once queue here instead of racing on CREATE ROLE.
    await run(what, 'SELECT pg_advisory_xact_lock(hashtext($1))', [`rotasync:${clone}`]);
    const originalRole = await roleOf(run, what, original);
    if (!originalRole) throw new DatabaseUserError(`${what}: role "${original}" does not exist`);
    const cloneRole = await roleOf(run, what, clone);
    const withPassword = `LOGIN PASSWORD ${pg.escapeLiteral(verifier)}`;
    const changes = attributeChanges(originalRole, cloneRole).join(' ');
    await run(
      what,
      cloneRole
        ? `ALTER ROLE ${ident(clone)} WITH ${withPassword} ${changes}`
        : `CREATE ROLE ${ident(clone)} WITH ${withPassword} ${changes}`,
      [],
      secrets,
    );
    if (!(await isMember(run, what, clone, original))) {
      await run(what, `GRANT ${ident(original)} TO ${ident(clone)}`, []);
    }
    // Every session of the clone acts as the original, so whatever the clone creates is
    // owned by the original and stays usable after the next rotation switches back.
    await run(what, `ALTER ROLE ${ident(clone)} SET role = ${pg.escapeLiteral(original)}`, []);
    await run(what, 'COMMIT', []);
  } catch (error) {
    await run(what, 'ROLLBACK', []).catch(() => undefined);
    throw error;
  }
};

/**
 * What `clone` lacks (or has beyond) `original`: one plain description per difference, naming
 * roles and attributes only; empty when they match.
 */
export const describePrivilegeDifferences = async (
  run: RunSql,
  original: string,
  clone: string,
): Promise<readonly string[]> => {
  const what = `compare "${clone}" with "${original}"`;
  const originalRole = await roleOf(run, what, original);
  const cloneRole = await roleOf(run, what, clone);
  if (!originalRole) return [`role "${original}" does not exist`];
  if (!cloneRole) return [`role "${clone}" does not exist`];
  const differences: string[] = [];
  if (!cloneRole.rolcanlogin) differences.push(`"${clone}" cannot log in`);
  if (!(await isMember(run, what, clone, original))) {
    differences.push(`"${clone}" is not a member of "${original}"`);
  }
  if (!(await switchesToRole(run, what, clone, original))) {
    differences.push(`"${clone}" does not act as "${original}" at login (ALTER ROLE ... SET role)`);
  }
  for (const [column, keyword] of FLAGS) {
    if (originalRole[column] !== cloneRole[column]) {
      differences.push(
        `"${original}" is ${originalRole[column] ? '' : 'NO'}${keyword} but "${clone}" is ${cloneRole[column] ? '' : 'NO'}${keyword}`,
      );
    }
  }
  if (originalRole.rolconnlimit !== cloneRole.rolconnlimit) {
    differences.push(`CONNECTION LIMIT of "${clone}" differs from "${original}"`);
  }
  if (!sameExpiry(originalRole.validuntil, cloneRole.validuntil)) {
    differences.push(`VALID UNTIL of "${clone}" differs from "${original}"`);
  }
  const extra = await run(
    what,
    `SELECT g.rolname FROM pg_catalog.pg_auth_members m
       JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
      WHERE m.member = $1 AND g.rolname <> $2 AND NOT pg_has_role($2, g.oid, 'MEMBER')`,
    [cloneRole.oid, original],
  );
  for (const row of extra.rows as { rolname: string }[]) {
    differences.push(`"${clone}" is a member of "${row.rolname}" but "${original}" is not`);
  }
  return differences;
};
