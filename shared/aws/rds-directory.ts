/**
 * Finds a database's cross-Region read replica (or Aurora global database member) through the
 * RDS API, so a replicated secret can point at the database in its own Region.
 * - Instances: the source's `ReadReplicaDBInstanceIdentifiers` lists cross-Region replicas by
 *   ARN; a replica's `ReadReplicaSourceDBInstanceIdentifier` is the source ARN.
 * - Clusters: `DescribeGlobalClusters` members, else the cluster's `ReadReplicaIdentifiers`.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 */

import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';

/** How a secret names its database: any of these, the identifiers win over the host. */
export interface DatabaseLocator {
  readonly host?: string;
  readonly dbInstanceIdentifier?: string;
  readonly dbClusterIdentifier?: string;
}

/** A database endpoint. */
export interface DbEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Read-only RDS lookups for replication. */
export interface RdsDirectory {
  /**
   * The endpoint of the replica of the database `locator` names (in `sourceRegion`) that lives
   * in `targetRegion`; `undefined` when the database or its replica there is not found.
   */
  findReplicaEndpoint(
    sourceRegion: string,
    locator: DatabaseLocator,
    targetRegion: string,
  ): Promise<DbEndpoint | undefined>;
}

const NOT_FOUND = new Set(['DBInstanceNotFoundFault', 'DBClusterNotFoundFault']);

/** The Region of an ARN (`arn:aws:rds:<region>:<account>:db:<id>`). */
export const regionOfArn = (arn: string): string | undefined => arn.split(':')[3];

const endpointOf = (
  address: string | undefined,
  port: number | undefined,
): DbEndpoint | undefined =>
  address === undefined || port === undefined ? undefined : { host: address, port };

type Source =
  | { readonly kind: 'instance'; readonly instance: DBInstance }
  | { readonly kind: 'cluster'; readonly cluster: DBCluster };

/** The RDS API adapter: one `RDSClient({ region })` per Region, endpoints via AWS_ENDPOINT_URL_RDS. */
export class RdsApiDirectory implements RdsDirectory {
  readonly #makeClient: (region: string) => RDSClient;
  readonly #clients = new Map<string, RDSClient>();

  public constructor(
    makeClient: (region: string) => RDSClient = (region) => new RDSClient({ region }),
  ) {
    this.#makeClient = makeClient;
  }

  #client(region: string): RDSClient {
    const known = this.#clients.get(region);
    if (known !== undefined) return known;
    const client = this.#makeClient(region);
    this.#clients.set(region, client);
    return client;
  }

  async #instance(region: string, identifier: string): Promise<DBInstance | undefined> {
    try {
      const output = await this.#client(region).send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }),
      );
      return output.DBInstances?.[0];
    } catch (error) {
      if (error instanceof Error && NOT_FOUND.has(error.name)) return undefined;
      throw error;
    }
  }

  async #cluster(region: string, identifier: string): Promise<DBCluster | undefined> {
    try {
      const output = await this.#client(region).send(
        new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }),
      );
      return output.DBClusters?.[0];
    } catch (error) {
      if (error instanceof Error && NOT_FOUND.has(error.name)) return undefined;
      throw error;
    }
  }

  async *#allInstances(region: string): AsyncGenerator<DBInstance> {
    let marker: string | undefined;
    do {
      const output = await this.#client(region).send(
        new DescribeDBInstancesCommand(marker === undefined ? {} : { Marker: marker }),
      );
      yield* output.DBInstances ?? [];
      marker = output.Marker;
    } while (marker !== undefined);
  }

  async *#allClusters(region: string): AsyncGenerator<DBCluster> {
    let marker: string | undefined;
    do {
      const output = await this.#client(region).send(
        new DescribeDBClustersCommand(marker === undefined ? {} : { Marker: marker }),
      );
      yield* output.DBClusters ?? [];
      marker = output.Marker;
    } while (marker !== undefined);
  }

  async #fromInstance(region: string, instance: DBInstance): Promise<Source | undefined> {
    if (instance.DBClusterIdentifier === undefined) return { kind: 'instance', instance };
    const cluster = await this.#cluster(region, instance.DBClusterIdentifier);
    return cluster === undefined ? undefined : { kind: 'cluster', cluster };
  }

  async #findSource(region: string, locator: DatabaseLocator): Promise<Source | undefined> {
    if (locator.dbClusterIdentifier !== undefined) {
      const cluster = await this.#cluster(region, locator.dbClusterIdentifier);
      return cluster === undefined ? undefined : { kind: 'cluster', cluster };
    }
    if (locator.dbInstanceIdentifier !== undefined) {
      const instance = await this.#instance(region, locator.dbInstanceIdentifier);
      return instance === undefined ? undefined : this.#fromInstance(region, instance);
    }
    const host = locator.host?.toLowerCase();
    if (host === undefined) return undefined;
    for await (const instance of this.#allInstances(region)) {
      if (instance.Endpoint?.Address?.toLowerCase() === host) {
        return this.#fromInstance(region, instance);
      }
    }
    for await (const cluster of this.#allClusters(region)) {
      const names = [cluster.Endpoint, cluster.ReaderEndpoint, ...(cluster.CustomEndpoints ?? [])];
      if (names.some((name) => name?.toLowerCase() === host)) return { kind: 'cluster', cluster };
    }
    return undefined;
  }

  async #instanceReplica(instance: DBInstance, target: string): Promise<DbEndpoint | undefined> {
    const listed = (instance.ReadReplicaDBInstanceIdentifiers ?? []).filter(
      (arn) => regionOfArn(arn) === target,
    );
    for (const arn of listed) {
      const replica = await this.#instance(target, arn);
      const endpoint = endpointOf(replica?.Endpoint?.Address, replica?.Endpoint?.Port);
      if (endpoint !== undefined) return endpoint;
    }
    // The source's list can lag behind a replica's creation: ask the target Region too.
    const sourceArn = instance.DBInstanceArn;
    if (sourceArn === undefined) return undefined;
    for await (const candidate of this.#allInstances(target)) {
      if (candidate.ReadReplicaSourceDBInstanceIdentifier === sourceArn) {
        return endpointOf(candidate.Endpoint?.Address, candidate.Endpoint?.Port);
      }
    }
    return undefined;
  }

  async #clusterReplica(
    sourceRegion: string,
    cluster: DBCluster,
    target: string,
  ): Promise<DbEndpoint | undefined> {
    const arn = cluster.DBClusterArn;
    const candidates: string[] = [];
    if (arn !== undefined) {
      const output = await this.#client(sourceRegion).send(new DescribeGlobalClustersCommand({}));
      for (const global of output.GlobalClusters ?? []) {
        const members = global.GlobalClusterMembers ?? [];
        if (!members.some((member) => member.DBClusterArn === arn)) continue;
        candidates.push(...members.flatMap((member) => member.DBClusterArn ?? []));
      }
    }
    candidates.push(...(cluster.ReadReplicaIdentifiers ?? []));
    for (const candidate of candidates.filter((id) => regionOfArn(id) === target)) {
      const replica = await this.#cluster(target, candidate);
      // The cluster (writer) endpoint: it is the one that accepts writes after a failover.
      const endpoint = endpointOf(replica?.Endpoint, replica?.Port);
      if (endpoint !== undefined) return endpoint;
    }
    return undefined;
  }

  public async findReplicaEndpoint(
    sourceRegion: string,
    locator: DatabaseLocator,
    targetRegion: string,
  ): Promise<DbEndpoint | undefined> {
    const source = await this.#findSource(sourceRegion, locator);
    if (source === undefined) return undefined;
    return source.kind === 'instance'
      ? this.#instanceReplica(source.instance, targetRegion)
      : this.#clusterReplica(sourceRegion, source.cluster, targetRegion);
  }
}
