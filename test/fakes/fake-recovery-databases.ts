/**
 * A recovery Region's databases in memory, as the disaster-recovery functions see them through
 * the RDS port (findByEndpoint, refresh, replicaLagSeconds, promote), and a credential check that answers from them: a
 * replica takes logins but no writes, a promoted database both.
 */
import type { DatabaseKind, RdsDirectory, RecoveryDatabase } from '#shared/aws/rds-directory.js';
import type { CredentialCheck, CredentialChecker } from '#shared/dr/ports.js';
import type { DbEndpoint as Endpoint } from '#shared/engines/engine.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';

interface FakeDatabase {
  database: RecoveryDatabase;
  readonly region: string;
  readonly endpoint: Endpoint;
  lagSeconds?: number;
  /** Refreshes left before a started promotion is done. */
  promotionLeft?: number | undefined;
}

export class FakeDatabases
  implements Pick<RdsDirectory, 'findByEndpoint' | 'refresh' | 'replicaLagSeconds' | 'promote'>
{
  readonly #databases: FakeDatabase[] = [];
  /** Each promote call, by database id. */
  public readonly promotions: string[] = [];
  /** How many refreshes a promotion stays `modifying`. */
  public promotionRefreshes = 1;
  /** The next promote calls fail with this, once each. */
  public readonly promoteFailures: Error[] = [];
  public lookups = 0;

  public add(input: {
    region: string;
    id: string;
    endpoint: Endpoint;
    kind?: DatabaseKind;
    replica?: boolean;
    status?: string;
    lagSeconds?: number;
  }): this {
    this.#databases.push({
      region: input.region,
      endpoint: input.endpoint,
      ...(input.lagSeconds === undefined ? {} : { lagSeconds: input.lagSeconds }),
      database: {
        kind: input.kind ?? 'instance',
        id: input.id,
        arn: `arn:aws:rds:${input.region}:123456789012:db:${input.id}`,
        status: input.status ?? 'available',
        replica: input.replica ?? true,
      },
    });
    return this;
  }

  public get(id: string): RecoveryDatabase | undefined {
    return this.#databases.find((entry) => entry.database.id === id)?.database;
  }

  public setStatus(id: string, status: string): void {
    const entry = this.#databases.find((candidate) => candidate.database.id === id);
    if (entry !== undefined) entry.database = { ...entry.database, status };
  }

  /** Whether the database at `endpoint` accepts writes (promoted and available). */
  public writableAt(endpoint: Endpoint): boolean | undefined {
    const entry = this.#at(endpoint);
    if (entry === undefined) return undefined;
    return !entry.database.replica && entry.database.status === 'available';
  }

  #at(endpoint: Endpoint): FakeDatabase | undefined {
    return this.#databases.find(
      (entry) => entry.endpoint.host === endpoint.host && entry.endpoint.port === endpoint.port,
    );
  }

  public async findByEndpoint(
    region: string,
    endpoint: Endpoint,
  ): Promise<RecoveryDatabase | undefined> {
    this.lookups += 1;
    const entry = this.#at(endpoint);
    return entry?.region === region ? entry.database : undefined;
  }

  public async refresh(
    _region: string,
    database: RecoveryDatabase,
  ): Promise<RecoveryDatabase | undefined> {
    const entry = this.#databases.find((candidate) => candidate.database.arn === database.arn);
    if (entry === undefined) return undefined;
    if (entry.promotionLeft !== undefined) {
      entry.promotionLeft -= 1;
      if (entry.promotionLeft <= 0) {
        entry.promotionLeft = undefined;
        entry.database = { ...entry.database, status: 'available', replica: false };
      } else {
        entry.database = { ...entry.database, status: 'rebooting' };
      }
    }
    return entry.database;
  }

  public async replicaLagSeconds(
    _region: string,
    database: RecoveryDatabase,
  ): Promise<number | undefined> {
    return this.#databases.find((entry) => entry.database.arn === database.arn)?.lagSeconds;
  }

  public async promote(_region: string, database: RecoveryDatabase): Promise<void> {
    this.promotions.push(database.id);
    const failure = this.promoteFailures.shift();
    if (failure !== undefined) throw failure;
    const entry = this.#databases.find((candidate) => candidate.database.arn === database.arn);
    if (entry === undefined || !entry.database.replica || entry.database.status !== 'available') {
      const error = new Error(`DB instance ${database.id} cannot be promoted now`);
      error.name = 'InvalidDBInstanceStateFault';
      throw error;
    }
    entry.promotionLeft = this.promotionRefreshes;
    entry.database = { ...entry.database, status: 'modifying' };
  }
}

/** Credential checks answered from the fake databases and a per-user override. */
export class FakeCredentials implements CredentialChecker {
  /** `username` → forced outcome. */
  public readonly outcomes = new Map<string, CredentialCheck>();
  public readonly checks: { username: string; write: boolean }[] = [];

  public constructor(private readonly databases: FakeDatabases) {}

  public async check(
    secret: DatabaseSecret,
    options: { readonly write: boolean },
  ): Promise<CredentialCheck> {
    this.checks.push({ username: secret.username, write: options.write });
    const forced = this.outcomes.get(secret.username);
    if (forced !== undefined) return forced;
    if (!options.write) return { login: 'ok' };
    const writable = this.databases.writableAt({ host: secret.host, port: secret.port });
    return { login: 'ok', write: writable === false ? 'read-only' : 'ok' };
  }
}
