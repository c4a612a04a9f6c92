/**
 * The RdsDirectory port over the AWS SDK v3 RDS client: one client per Region (the ARN's, or the
 * Region asked about), not-found faults read as `undefined`, every other failure an AwsCallError
 * (after the SDK's retries, clients.ts).
 * - endpointOf: an RDS-managed master secret names its database by the tag
 *   `aws:rds:primaryDBInstanceArn` or `aws:rds:primaryDBClusterArn`
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html): the
 *   instance's address, or the cluster's writer endpoint with its reader and custom endpoints.
 * - findReplicaEndpoint: instances list cross-Region replicas by ARN in
 *   `ReadReplicaDBInstanceIdentifiers`, and a replica's `ReadReplicaSourceDBInstanceIdentifier`
 *   is the source ARN; clusters have `DescribeGlobalClusters` members, else the cluster's
 *   `ReadReplicaIdentifiers`.
 * - findByEndpoint, refresh, promote: a recovery Region's databases for disaster recovery, and
 *   their promotion (PromoteReadReplica, PromoteReadReplicaDBCluster, FailoverGlobalCluster).
 * - replicaLagSeconds: RDS publishes replication lag as CloudWatch metrics, not in the
 *   describe calls (`ReplicaLag`, seconds; `AuroraGlobalDBReplicationLag`, milliseconds):
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { DBCluster, DBInstance, GlobalCluster } from '@aws-sdk/client-rds';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  PromoteReadReplicaDBClusterCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import type { DbEndpoint } from '#shared/engines/engine.js';
import { AwsCallError } from '#shared/errors.js';
import { regionOfArn } from './arn.js';
import { callAws, clientSettings, perRegion } from './clients.js';
import type {
  DatabaseLocator,
  RdsDirectory,
  RdsEndpoint,
  RdsResourceKind,
  RecoveryDatabase,
} from './rds-directory.js';

const SERVICE = 'RDS';
const NOT_FOUND = new Set(['DBInstanceNotFoundFault', 'DBClusterNotFoundFault']);

const endpointOf = (
  address: string | undefined,
  port: number | undefined,
): DbEndpoint | undefined =>
  address === undefined || port === undefined ? undefined : { host: address, port };

/** Every name a cluster answers to: its writer, reader and custom endpoints. */
const clusterHostnames = (cluster: DBCluster): string[] =>
  [cluster.Endpoint, cluster.ReaderEndpoint, ...(cluster.CustomEndpoints ?? [])].filter(
    (name) => name !== undefined,
  );

/** `undefined` when `error` is RDS's not-found fault; rethrows anything else. */
const absentWhenNotFound = (error: unknown): undefined => {
  if (error instanceof AwsCallError && NOT_FOUND.has(error.code)) return undefined;
  throw error;
};

type Source =
  | { readonly kind: 'instance'; readonly instance: DBInstance }
  | { readonly kind: 'cluster'; readonly cluster: DBCluster };

/**
 * RdsDirectory over the RDS API. `makeClient` defaults to the SDK client with Rotasync's retry
 * policy, so the endpoint comes only from AWS_ENDPOINT_URL_RDS.
 *
 * @example
 * const rds = new RdsApiDirectory();
 * await rds.endpointOf('cluster', 'arn:aws:rds:us-east-1:123456789012:cluster:app');
 */
export class RdsApiDirectory implements RdsDirectory {
  readonly #client: (region?: string) => RDSClient;
  readonly #metrics: (region?: string) => CloudWatchClient;

  public constructor(
    makeClient: (region: string | undefined) => RDSClient = (region) =>
      new RDSClient(clientSettings(region)),
    makeMetricsClient: (region: string | undefined) => CloudWatchClient = (region) =>
      new CloudWatchClient(clientSettings(region)),
  ) {
    this.#client = perRegion(makeClient);
    this.#metrics = perRegion(makeMetricsClient);
  }

  #send<T>(operation: string, region: string | undefined, run: () => Promise<T>): Promise<T> {
    const where = { operation: region === undefined ? operation : `${operation} in ${region}` };
    return callAws(SERVICE, where, run);
  }

  async #instance(region: string | undefined, identifier: string): Promise<DBInstance | undefined> {
    const output = await this.#send('DescribeDBInstances', region, () =>
      this.#client(region).send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }),
      ),
    ).catch(absentWhenNotFound);
    return output?.DBInstances?.[0];
  }

  async #cluster(region: string | undefined, identifier: string): Promise<DBCluster | undefined> {
    const output = await this.#send('DescribeDBClusters', region, () =>
      this.#client(region).send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier })),
    ).catch(absentWhenNotFound);
    return output?.DBClusters?.[0];
  }

  async *#allInstances(region: string): AsyncGenerator<DBInstance> {
    let marker: string | undefined;
    do {
      const output = await this.#send('DescribeDBInstances', region, () =>
        this.#client(region).send(
          new DescribeDBInstancesCommand(marker === undefined ? {} : { Marker: marker }),
        ),
      );
      yield* output.DBInstances ?? [];
      marker = output.Marker;
    } while (marker !== undefined);
  }

  async *#allClusters(region: string): AsyncGenerator<DBCluster> {
    let marker: string | undefined;
    do {
      const output = await this.#send('DescribeDBClusters', region, () =>
        this.#client(region).send(
          new DescribeDBClustersCommand(marker === undefined ? {} : { Marker: marker }),
        ),
      );
      yield* output.DBClusters ?? [];
      marker = output.Marker;
    } while (marker !== undefined);
  }

  public async endpointOf(kind: RdsResourceKind, arn: string): Promise<RdsEndpoint | undefined> {
    const region = regionOfArn(arn);
    if (kind === 'instance') {
      const instance = await this.#instance(region, arn);
      const host = instance?.Endpoint?.Address;
      const port = instance?.Endpoint?.Port;
      const engine = instance?.Engine;
      if (host === undefined || port === undefined || engine === undefined) return undefined;
      return { host, port, engine, hostnames: [host] };
    }
    const cluster = await this.#cluster(region, arn);
    if (cluster === undefined) return undefined;
    // The cluster (writer) endpoint: the only one where users can be created.
    const host = cluster.Endpoint;
    const port = cluster.Port;
    const engine = cluster.Engine;
    if (host === undefined || port === undefined || engine === undefined) return undefined;
    return { host, port, engine, hostnames: clusterHostnames(cluster) };
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
      if (clusterHostnames(cluster).some((name) => name.toLowerCase() === host)) {
        return { kind: 'cluster', cluster };
      }
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
    // A cluster belongs to one global database at most: its members, then the cluster's replicas.
    const membership = arn === undefined ? undefined : await this.#globalOf(sourceRegion, arn);
    const candidates = [
      ...(membership?.global.GlobalClusterMembers ?? []).flatMap(
        (member) => member.DBClusterArn ?? [],
      ),
      ...(cluster.ReadReplicaIdentifiers ?? []),
    ];
    for (const candidate of candidates.filter((id) => regionOfArn(id) === target)) {
      const replica = await this.#cluster(target, candidate);
      // The cluster (writer) endpoint: it is the one that accepts writes after a failover.
      const endpoint = endpointOf(replica?.Endpoint, replica?.Port);
      if (endpoint !== undefined) return endpoint;
    }
    return undefined;
  }

  /** The global database `clusterArn` belongs to, with its membership; `undefined` when none. */
  async #globalOf(
    region: string,
    clusterArn: string,
  ): Promise<{ readonly global: GlobalCluster; readonly writer: boolean } | undefined> {
    const output = await this.#send('DescribeGlobalClusters', region, () =>
      this.#client(region).send(new DescribeGlobalClustersCommand({})),
    );
    for (const global of output.GlobalClusters ?? []) {
      const member = global.GlobalClusterMembers?.find((m) => m.DBClusterArn === clusterArn);
      if (member !== undefined) return { global, writer: member.IsWriter === true };
    }
    return undefined;
  }

  async #recoveryCluster(region: string, cluster: DBCluster): Promise<RecoveryDatabase> {
    const arn = cluster.DBClusterArn ?? '';
    const id = cluster.DBClusterIdentifier ?? arn;
    const status = cluster.Status ?? 'unknown';
    const member = arn === '' ? undefined : await this.#globalOf(region, arn);
    if (member === undefined) {
      return {
        kind: 'cluster',
        id,
        arn,
        status,
        replica: cluster.ReplicationSourceIdentifier !== undefined,
      };
    }
    const globalStatus = member.global.Status ?? 'available';
    return {
      kind: 'global-cluster',
      id,
      arn,
      // A global failover shows on the global database, not on its member clusters.
      status: globalStatus === 'available' ? status : globalStatus,
      replica: !member.writer,
      globalClusterId: member.global.GlobalClusterIdentifier ?? '',
    };
  }

  async #recoveryInstance(region: string, instance: DBInstance): Promise<RecoveryDatabase> {
    if (instance.DBClusterIdentifier !== undefined) {
      const cluster = await this.#cluster(region, instance.DBClusterIdentifier);
      if (cluster !== undefined) return this.#recoveryCluster(region, cluster);
    }
    const arn = instance.DBInstanceArn ?? '';
    return {
      kind: 'instance',
      id: instance.DBInstanceIdentifier ?? arn,
      arn,
      status: instance.DBInstanceStatus ?? 'unknown',
      replica: instance.ReadReplicaSourceDBInstanceIdentifier !== undefined,
    };
  }

  public async findByEndpoint(
    region: string,
    endpoint: DbEndpoint,
  ): Promise<RecoveryDatabase | undefined> {
    const host = endpoint.host.toLowerCase();
    for await (const instance of this.#allInstances(region)) {
      if (
        instance.Endpoint?.Address?.toLowerCase() === host &&
        instance.Endpoint.Port === endpoint.port
      ) {
        return this.#recoveryInstance(region, instance);
      }
    }
    for await (const cluster of this.#allClusters(region)) {
      const names = clusterHostnames(cluster);
      if (cluster.Port === endpoint.port && names.some((name) => name.toLowerCase() === host)) {
        return this.#recoveryCluster(region, cluster);
      }
    }
    return undefined;
  }

  public async refresh(
    region: string,
    database: RecoveryDatabase,
  ): Promise<RecoveryDatabase | undefined> {
    if (database.kind === 'instance') {
      const instance = await this.#instance(region, database.arn);
      return instance === undefined ? undefined : this.#recoveryInstance(region, instance);
    }
    const cluster = await this.#cluster(region, database.arn);
    return cluster === undefined ? undefined : this.#recoveryCluster(region, cluster);
  }

  public async promote(region: string, database: RecoveryDatabase): Promise<void> {
    const client = this.#client(region);
    switch (database.kind) {
      case 'instance':
        await this.#send('PromoteReadReplica', region, () =>
          client.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: database.id })),
        );
        return;
      case 'cluster':
        await this.#send('PromoteReadReplicaDBCluster', region, () =>
          client.send(new PromoteReadReplicaDBClusterCommand({ DBClusterIdentifier: database.id })),
        );
        return;
      case 'global-cluster':
        // AllowDataLoss: a failover for an outage of the primary Region, not a switchover
        // (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_FailoverGlobalCluster.html).
        await this.#send('FailoverGlobalCluster', region, () =>
          client.send(
            new FailoverGlobalClusterCommand({
              GlobalClusterIdentifier: database.globalClusterId,
              TargetDbClusterIdentifier: database.arn,
              AllowDataLoss: true,
            }),
          ),
        );
        return;
    }
  }

  public async replicaLagSeconds(
    region: string,
    database: RecoveryDatabase,
  ): Promise<number | undefined> {
    const metric =
      database.kind === 'instance'
        ? { name: 'ReplicaLag', dimension: 'DBInstanceIdentifier', toSeconds: 1 }
        : database.kind === 'global-cluster'
          ? {
              name: 'AuroraGlobalDBReplicationLag',
              dimension: 'DBClusterIdentifier',
              toSeconds: 0.001,
            }
          : undefined;
    if (metric === undefined) return undefined;
    const now = Date.now();
    const output = await callAws('CloudWatch', { operation: `GetMetricData in ${region}` }, () =>
      this.#metrics(region).send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 10 * 60_000),
          EndTime: new Date(now),
          MetricDataQueries: [
            {
              Id: 'lag',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/RDS',
                  MetricName: metric.name,
                  Dimensions: [{ Name: metric.dimension, Value: database.id }],
                },
                Period: 60,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      ),
    );
    // Newest first, CloudWatch's default order.
    const latest = output.MetricDataResults?.[0]?.Values?.[0];
    return latest === undefined ? undefined : latest * metric.toSeconds;
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
