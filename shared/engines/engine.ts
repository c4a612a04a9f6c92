import type { Sensitive } from '#shared/sensitive.js';

/** The engines Rotasync rotates; RDS's Aurora names map onto these (see secret-engines.ts). */
export type EngineName = 'postgres' | 'mysql' | 'mariadb';

/**
 * How a connection uses TLS, from the secret's `ssl` field: `require` (TLS, server verified
 * against the CA bundle), `disable` (plain), `prefer` (TLS when the server offers it, plain only
 * when it offers none; never a plain retry after a TLS or login failure).
 */
export type TlsMode = 'require' | 'prefer' | 'disable';

/** Where a database listens. */
export interface DbEndpoint {
  readonly host: string;
  readonly port: number;
}

/** What a login connects to: the endpoint, the database (PostgreSQL) or schema (MySQL), TLS. */
export interface DbTarget extends DbEndpoint {
  /** `undefined`: the engine's default (ENGINE_DEFAULTS). */
  readonly database: string | undefined;
  readonly tls: TlsMode;
}

export interface DbCredentials {
  readonly username: string;
  readonly password: Sensitive<string>;
}

export interface ConnectOptions {
  /** Gives up connecting after this many milliseconds (DatabaseUnreachableError). */
  readonly connectTimeoutMs: number;
  /** PEM CA bundle that verifies the server when TLS is on; `undefined`: the system's roots. */
  readonly caBundle: string | undefined;
}

/**
 * A database engine as the rotation steps see it; one module per engine. No step branches on
 * the engine: everything engine-specific sits behind this interface.
 */
export interface Engine {
  readonly name: EngineName;
  /** The server's real limit on user names, checked before anything is written. */
  readonly maxUsernameLength: number;
  /**
   * Opens a session as `credentials`. Resolves `undefined` when the server rejects the
   * credentials (wrong password, unknown user); throws DatabaseUnreachableError for anything
   * else (network, TLS, timeout). One call is exactly one login attempt.
   */
  login(
    target: DbTarget,
    credentials: DbCredentials,
    options: ConnectOptions,
  ): Promise<DbSession | undefined>;
}

/** An open, authenticated session. Identifiers are quoted and passwords never pasted into SQL. */
export interface DbSession {
  /** The user the session logged in as. */
  readonly username: string;
  /** Runs a trivial query; throws when the session cannot query. */
  probe(): Promise<void>;
  /**
   * Whether this session may write: `read-only` on a server that refuses writes to it (a hot
   * standby, a read replica, an Aurora reader), `writable` otherwise. Writes nothing.
   */
  canWrite(): Promise<'writable' | 'read-only'>;
  /** Sets `username`'s password (the session's own user, or another one for a superuser). */
  setPassword(username: string, password: Sensitive<string>): Promise<void>;
  /**
   * Alternating users, on a superuser session: makes `clone` a login user with `password` and
   * exactly the privileges of `original`, creating it on first use. Idempotent: a retry after a
   * crash anywhere inside finishes the job.
   */
  ensureClone(original: string, clone: string, password: Sensitive<string>): Promise<void>;
  /**
   * Alternating users, on a superuser session: what `clone` lacks (or has beyond) `original`,
   * one plain description per difference (no values); empty when they match.
   */
  describePrivilegeDifferences(original: string, clone: string): Promise<readonly string[]>;
  close(): Promise<void>;
}
