/**
 * PostgreSQL behind the Engine port, with node-postgres (`pg`).
 *
 * - One `login` is exactly one authentication attempt. TLS `require` verifies the server
 *   against the CA bundle; `disable` is plain; `prefer` first asks the server whether it speaks
 *   TLS (an SSLRequest on a throwaway socket, no credentials sent) and then logs in once, with
 *   TLS when offered. Like libpq's sslmode=prefer, `prefer` encrypts without verifying the
 *   certificate: use `require` to authenticate the server. Nothing ever retries in plain text.
 * - Passwords are sent as SCRAM-SHA-256 verifiers computed here, so the server's statement log
 *   can never hold a plaintext password.
 *   https://www.postgresql.org/docs/current/sasl-authentication.html
 */
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { type ConnectionOptions, connect as connectTls } from 'node:tls';
import { promisify } from 'node:util';
import pg from 'pg';
import { DatabaseUnreachableError, RotasyncError } from '#shared/errors.js';
import type { Sensitive } from '#shared/sensitive.js';
import type { ConnectOptions, DbCredentials, DbEndpoint, DbSession, Engine } from './engine.js';

const derive = promisify(pbkdf2);

const SCRAM_ITERATIONS = 4096;
const SCRAM_SALT_BYTES = 16;
/** SQLSTATE invalid_password: wrong password, unknown role, expired password (all alike). */
const CREDENTIALS_REJECTED = '28P01';
/** The 8-byte SSLRequest message: length 8, code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * SASLprep as node-postgres and libpq apply it before hashing: non-ASCII spaces to a space,
 * "mapped to nothing" characters removed, NFKC. Printable ASCII passes unchanged.
 */
const saslPrep = (password: string): string =>
  password
    .replace(/[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g, ' ')
    .replace(
      /\u00AD|\u034F|\u1806|[\u180B-\u180D]|\u200C|\u200D|\u2060|[\uFE00-\uFE0F]|\uFEFF/g,
      '',
    )
    .normalize('NFKC');

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677):
 * `SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>`, base64, with a fresh random salt.
 * Sent instead of the password, it keeps the plaintext out of every server log.
 */
export const scramSha256Verifier = async (
  password: string,
  salt: Buffer = randomBytes(SCRAM_SALT_BYTES),
): Promise<string> => {
  const salted = await derive(saslPrep(password), salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
};

const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * A copy of `error` safe to keep as a `cause`: message with every secret blanked, the SQLSTATE
 * or errno code kept, nothing else (no config objects, no driver internals).
 */
const sanitizedCause = (error: unknown, secrets: readonly string[]): Error => {
  let message = error instanceof Error ? error.message : String(error);
  for (const secret of secrets) {
    if (secret.length > 0) message = message.replaceAll(secret, '[redacted]');
  }
  const cause = new Error(message);
  cause.name = error instanceof Error ? error.name : 'Error';
  const code = errorCode(error);
  if (code !== undefined) Object.assign(cause, { code });
  return cause;
};

const remainingMs = (deadline: number): number => Math.max(1, deadline - Date.now());

/**
 * Asks the server whether it speaks TLS, without authenticating: 'S' → true, 'N' → false.
 * After an 'S' it completes the TLS handshake and closes, so the server logs no broken
 * handshake. Rejects when the server cannot be reached or does not answer like PostgreSQL.
 */
const serverOffersTls = async (host: string, port: number, deadline: number): Promise<boolean> =>
  new Promise<boolean>((resolve, reject) => {
    const socket: Socket = connectTcp({ host, port });
    let settled = false;
    const finish = (outcome: boolean | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(new Error('timeout expired while asking the server for TLS')),
      remainingMs(deadline),
    );
    socket.once('error', (error) => finish(error));
    socket.once('close', () => finish(new Error('connection closed before the TLS answer')));
    socket.once('connect', () => socket.write(SSL_REQUEST));
    socket.once('data', (answer) => {
      const code = String.fromCharCode(answer[0] ?? 0);
      if (code === 'N') return finish(false);
      if (code !== 'S') return finish(new Error('the server did not answer the SSLRequest'));
      socket.removeAllListeners('close');
      socket.removeAllListeners('error');
      const secure = connectTls({
        socket,
        rejectUnauthorized: false,
        ...(isIP(host) === 0 ? { servername: host } : {}),
      });
      const done = (): void => {
        secure.destroy();
        finish(true);
      };
      // Handshake errors are the login's to report: it negotiates TLS again, on its own.
      secure.once('secureConnect', () => secure.end(done));
      secure.once('error', done);
      secure.once('close', done);
    });
  });

/** pg's `ssl` setting for a mode; `prefer` costs one SSLRequest round trip first. */
const tlsSettings = async (
  endpoint: DbEndpoint,
  options: ConnectOptions,
  deadline: number,
): Promise<false | ConnectionOptions> => {
  const servername = isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {};
  switch (endpoint.tls) {
    case 'disable':
      return false;
    case 'require':
      return {
        rejectUnauthorized: true,
        ...(options.caBundle === undefined ? {} : { ca: options.caBundle }),
        ...servername,
      };
    case 'prefer':
      return (await serverOffersTls(endpoint.host, endpoint.port, deadline))
        ? { rejectUnauthorized: false, ...servername }
        : false;
  }
};

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

/** An authenticated pg connection as a DbSession. */
class PostgresSession implements DbSession {
  public readonly username: string;
  readonly #client: pg.Client;

  public constructor(client: pg.Client, username: string) {
    this.#client = client;
    this.username = username;
  }

  public async probe(): Promise<void> {
    await this.#run('probe', 'SELECT 1', []);
  }

  public async setPassword(username: string, password: Sensitive<string>): Promise<void> {
    // ALTER ROLE takes no bind parameters: the verifier is escaped, never the password sent.
    const verifier = await scramSha256Verifier(password.reveal());
    await this.#run(
      `set the password of "${username}"`,
      `ALTER ROLE ${ident(username)} WITH PASSWORD ${pg.escapeLiteral(verifier)}`,
      [],
      [password.reveal(), verifier],
    );
  }

  public async ensureClone(
    original: string,
    clone: string,
    password: Sensitive<string>,
  ): Promise<void> {
    const verifier = await scramSha256Verifier(password.reveal());
    const secrets = [password.reveal(), verifier];
    const what = `clone "${original}" as "${clone}"`;
    // One transaction (PostgreSQL DDL is transactional): a crash leaves all or nothing.
    await this.#run(what, 'BEGIN', []);
    try {
      // Two Lambdas cloning at once queue here instead of racing on CREATE ROLE.
      await this.#run(what, 'SELECT pg_advisory_xact_lock(hashtext($1))', [`rotasync:${clone}`]);
      const originalRole = await this.#role(what, original);
      if (!originalRole) throw new RotasyncError(`${what}: role "${original}" does not exist`);
      const cloneRole = await this.#role(what, clone);
      const withPassword = `LOGIN PASSWORD ${pg.escapeLiteral(verifier)}`;
      const changes = attributeChanges(originalRole, cloneRole).join(' ');
      await this.#run(
        what,
        cloneRole
          ? `ALTER ROLE ${ident(clone)} WITH ${withPassword} ${changes}`
          : `CREATE ROLE ${ident(clone)} WITH ${withPassword} ${changes}`,
        [],
        secrets,
      );
      if (!(await this.#isMember(what, clone, original))) {
        await this.#run(what, `GRANT ${ident(original)} TO ${ident(clone)}`, []);
      }
      // Every session of the clone acts as the original, so whatever the clone creates is
      // owned by the original and stays usable after the next rotation switches back.
      await this.#run(
        what,
        `ALTER ROLE ${ident(clone)} SET role = ${pg.escapeLiteral(original)}`,
        [],
      );
      await this.#run(what, 'COMMIT', []);
    } catch (error) {
      await this.#client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  public async describePrivilegeDifferences(
    original: string,
    clone: string,
  ): Promise<readonly string[]> {
    const what = `compare "${clone}" with "${original}"`;
    const [originalRole, cloneRole] = [
      await this.#role(what, original),
      await this.#role(what, clone),
    ];
    if (!originalRole) return [`role "${original}" does not exist`];
    if (!cloneRole) return [`role "${clone}" does not exist`];
    const differences: string[] = [];
    if (!cloneRole.rolcanlogin) differences.push(`"${clone}" cannot log in`);
    if (!(await this.#isMember(what, clone, original))) {
      differences.push(`"${clone}" is not a member of "${original}"`);
    }
    if (!(await this.#switchesToRole(what, clone, original))) {
      differences.push(
        `"${clone}" does not act as "${original}" at login (ALTER ROLE ... SET role)`,
      );
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
    const extra = await this.#run(
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
  }

  public async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }

  async #role(what: string, name: string): Promise<RoleRow | undefined> {
    const result = await this.#run(what, ROLE_QUERY, [name]);
    return result.rows[0] as RoleRow | undefined;
  }

  async #isMember(what: string, member: string, role: string): Promise<boolean> {
    const result = await this.#run(
      what,
      `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
         JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
         JOIN pg_catalog.pg_roles u ON u.oid = m.member
        WHERE r.rolname = $1 AND u.rolname = $2) AS member`,
      [role, member],
    );
    return (result.rows[0] as { member: boolean } | undefined)?.member === true;
  }

  async #switchesToRole(what: string, member: string, role: string): Promise<boolean> {
    const result = await this.#run(
      what,
      `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting s
         JOIN pg_catalog.pg_roles u ON u.oid = s.setrole
        WHERE u.rolname = $1 AND s.setdatabase = 0 AND $2 = ANY (s.setconfig)) AS switches`,
      [member, `role=${role}`],
    );
    return (result.rows[0] as { switches: boolean } | undefined)?.switches === true;
  }

  /** Runs one statement; a failure becomes a RotasyncError naming `what`, never a value. */
  async #run(
    what: string,
    sql: string,
    values: readonly unknown[],
    secrets: readonly string[] = [],
  ): Promise<pg.QueryResult> {
    try {
      return await this.#client.query(sql, [...values]);
    } catch (error) {
      const cause = sanitizedCause(error, secrets);
      throw new RotasyncError(`PostgreSQL: ${what} failed: ${cause.message}`, {}, { cause });
    }
  }
}

/** PostgreSQL with node-postgres; see the module comment for TLS and password handling. */
export const postgresEngine: Engine = {
  name: 'postgres',
  defaultPort: 5432,
  defaultDatabase: 'postgres',
  // NAMEDATALEN - 1, in bytes: a longer name is silently truncated by the server.
  maxUsernameLength: 63,

  async login(endpoint, credentials: DbCredentials, options) {
    const deadline = Date.now() + options.connectTimeoutMs;
    const where = `PostgreSQL ${endpoint.host}:${endpoint.port} (tls ${endpoint.tls}) as "${credentials.username}"`;
    const password = credentials.password.reveal();
    let client: pg.Client | undefined;
    try {
      const ssl = await tlsSettings(endpoint, options, deadline);
      client = new pg.Client({
        host: endpoint.host,
        port: endpoint.port,
        database: endpoint.database ?? 'postgres',
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
