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

/** SQLSTATE read_only_sql_transaction: the server takes no writes (it is in recovery). */
const READ_ONLY_TRANSACTION = '25006';

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

  public async canWrite(): Promise<'writable' | 'read-only'> {
    // A transaction id is what every write needs, and a server in recovery (a hot standby, a
    // read replica) refuses to hand one out: SQLSTATE 25006. Rolled back, it writes nothing.
    // txid_current(): every supported PostgreSQL has it (pg_current_xact_id() from 13 on).
    await this.#run('begin the write check', 'BEGIN', []);
    try {
      await this.#run('start a writing transaction', 'SELECT txid_current()', []);
      return 'writable';
    } catch (error) {
      if (error instanceof StatementFailedError && error.code === READ_ONLY_TRANSACTION) {
        return 'read-only';
      }
      throw error;
    } finally {
      await this.#run('end the write check', 'ROLLBACK', []).catch(() => undefined);
    }
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
