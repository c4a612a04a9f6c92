/**
 * Finds where an RDS database listens, by its ARN, for an RDS-managed master secret: such a
 * secret holds only `username` and `password`, and names its database with the tag
 * `aws:rds:primaryDBInstanceArn` or `aws:rds:primaryDBClusterArn`
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
 * - Instance: DescribeDBInstances(DBInstanceIdentifier = ARN) → Endpoint.Address/Port, Engine.
 * - Cluster: DescribeDBClusters(DBClusterIdentifier = ARN) → Endpoint (the writer), Port, Engine.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 */
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';

/** Which kind of RDS resource an ARN names. */
export type RdsResourceKind = 'instance' | 'cluster';

/** Where an RDS database listens, and its engine as RDS names it (`postgres`, `aurora-mysql`…). */
export interface RdsEndpoint {
  /** The instance's address, or the cluster (writer) endpoint. */
  readonly host: string;
  readonly port: number;
  readonly engine: string;
  /** Every name RDS gives this database: `host`, and a cluster's reader and custom endpoints. */
  readonly hostnames: readonly string[];
}

/** Read-only RDS lookup of a database's endpoint, the port of the alternating-users strategy. */
export interface RdsEndpointLookup {
  /**
   * The endpoint of the DB instance or cluster `arn` names; `undefined` when RDS has no such
   * database or reports no endpoint yet (e.g. still creating). Throws on any other RDS error.
   */
  endpointOf(kind: RdsResourceKind, arn: string): Promise<RdsEndpoint | undefined>;
}

const NOT_FOUND = new Set(['DBInstanceNotFoundFault', 'DBClusterNotFoundFault']);

/** The Region of an ARN (`arn:aws:rds:<region>:<account>:db:<id>`); `undefined` if it has none. */
const regionOf = (arn: string): string | undefined => {
  const region = arn.split(':')[3];
  return region === undefined || region === '' ? undefined : region;
};

const isNotFound = (error: unknown): boolean => error instanceof Error && NOT_FOUND.has(error.name);

/**
 * RdsEndpointLookup over the RDS API. One client per Region (the ARN's), built as
 * `new RDSClient({ region })`, so the endpoint comes only from AWS_ENDPOINT_URL_RDS.
 *
 * @example
 * const rds = new RdsApiEndpointLookup();
 * await rds.endpointOf('cluster', 'arn:aws:rds:us-east-1:123456789012:cluster:app');
 */
export class RdsApiEndpointLookup implements RdsEndpointLookup {
  readonly #makeClient: (region: string | undefined) => RDSClient;
  readonly #clients = new Map<string, RDSClient>();

  public constructor(
    makeClient: (region: string | undefined) => RDSClient = (region) =>
      new RDSClient(region === undefined ? {} : { region }),
  ) {
    this.#makeClient = makeClient;
  }

  #client(region: string | undefined): RDSClient {
    const key = region ?? '';
    const known = this.#clients.get(key);
    if (known !== undefined) return known;
    const client = this.#makeClient(region);
    this.#clients.set(key, client);
    return client;
  }

  public async endpointOf(kind: RdsResourceKind, arn: string): Promise<RdsEndpoint | undefined> {
    const client = this.#client(regionOf(arn));
    try {
      if (kind === 'instance') {
        const out = await client.send(
          new DescribeDBInstancesCommand({ DBInstanceIdentifier: arn }),
        );
        const instance = out.DBInstances?.[0];
        const host = instance?.Endpoint?.Address;
        const port = instance?.Endpoint?.Port;
        const engine = instance?.Engine;
        if (host === undefined || port === undefined || engine === undefined) return undefined;
        return { host, port, engine, hostnames: [host] };
      }
      const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn }));
      const cluster = out.DBClusters?.[0];
      // The cluster (writer) endpoint: the only one where users can be created.
      const host = cluster?.Endpoint;
      const port = cluster?.Port;
      const engine = cluster?.Engine;
      if (host === undefined || port === undefined || engine === undefined) return undefined;
      const others = [cluster?.ReaderEndpoint, ...(cluster?.CustomEndpoints ?? [])];
      const hostnames = [host, ...others.filter((name) => name !== undefined)];
      return { host, port, engine, hostnames };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
