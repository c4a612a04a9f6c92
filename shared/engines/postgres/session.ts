/**
 * An authenticated PostgreSQL session behind the DbSession port. Passwords are sent as
 * SCRAM-SHA-256 verifiers computed here (scram.ts), so the server's statement log can never hold
 * a plaintext password; identifiers are quoted with `pg.escapeIdentifier`.
 */
import pg from 'pg';
import type { DbSession } from '#shared/engines/engine.js';
import { StatementFailedError } from '#shared/errors.js';
import type { Sensitive } from '#shared/sensitive.js';
import { describePrivilegeDifferences, ensureClone, type RunSql } from './clones.js';
import { errorCode, sanitizedCause } from './driver-error.js';
import { scramSha256Verifier } from './scram.js';

/** An authenticated pg connection as a DbSession. */
export class PostgresSession implements DbSession {
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
      `ALTER ROLE ${pg.escapeIdentifier(username)} WITH PASSWORD ${pg.escapeLiteral(verifier)}`,
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
    await ensureClone(this.#run, original, clone, verifier, [password.reveal(), verifier]);
  }

  public describePrivilegeDifferences(original: string, clone: string): Promise<readonly string[]> {
    return describePrivilegeDifferences(this.#run, original, clone);
  }

  public async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }

  /** Runs one statement; a failure becomes a StatementFailedError naming `what`, never a value. */
  readonly #run: RunSql = async (what, sql, values, secrets = []) => {
    try {
      return await this.#client.query(sql, [...values]);
    } catch (error) {
      const cause = sanitizedCause(error, secrets);
      throw new StatementFailedError('PostgreSQL', what, { code: errorCode(error) }, { cause });
    }
  };
}
