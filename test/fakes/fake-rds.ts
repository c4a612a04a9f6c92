/**
 * Fake RDS lookups: `FakeRdsEndpointLookup` (endpointOf: databases by ARN, for RDS-managed
 * master secrets) and `FakeRds` (findReplicaEndpoint: replicas by a host naming convention).
 */
import type {
  DatabaseLocator,
  RdsDirectory,
  RdsEndpoint,
  RdsResourceKind,
} from '#shared/aws/rds-directory.js';
import type { DbEndpoint } from '#shared/engines/engine.js';

/** A fake RDS `endpointOf`: databases by ARN, and a log of every lookup. */
export class FakeRdsEndpointLookup implements Pick<RdsDirectory, 'endpointOf'> {
  public readonly lookups: { kind: RdsResourceKind; arn: string }[] = [];
  readonly #databases = new Map<string, { kind: RdsResourceKind; endpoint: RdsEndpoint }>();
  public failWith: Error | undefined;

  public add(kind: RdsResourceKind, arn: string, endpoint: RdsEndpoint): this {
    this.#databases.set(arn, { kind, endpoint });
    return this;
  }

  public async endpointOf(kind: RdsResourceKind, arn: string): Promise<RdsEndpoint | undefined> {
    this.lookups.push({ kind, arn });
    if (this.failWith) throw this.failWith;
    const known = this.#databases.get(arn);
    return known?.kind === kind ? known.endpoint : undefined;
  }
}

/** RDS as the tests see it: `<id>.<source>.rds…` has a replica `<id>.<target>.rds…:6432` where listed. */
export class FakeRds implements Pick<RdsDirectory, 'findReplicaEndpoint'> {
  public lookups = 0;
  public constructor(private readonly replicaRegions: readonly string[]) {}

  public async findReplicaEndpoint(
    sourceRegion: string,
    locator: DatabaseLocator,
    targetRegion: string,
  ): Promise<DbEndpoint | undefined> {
    this.lookups += 1;
    const id = locator.host?.split('.')[0];
    if (id === undefined || !this.replicaRegions.includes(targetRegion)) return undefined;
    return { host: locator.host?.replace(sourceRegion, targetRegion) ?? '', port: 6432 };
  }
}
