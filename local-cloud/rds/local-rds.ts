/**
 * A local RDS API (Query protocol, version 2014-10-31) with just what Rotasync needs:
 * DescribeDBInstances, DescribeDBClusters, DescribeGlobalClusters and PromoteReadReplica, over
 * instances and clusters the local setup declares. Responses follow the shapes the real
 * `@aws-sdk/client-rds` parses (list members named as in its model, e.g. `<DBInstance>`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/Welcome.html
 */
import { randomUUID } from 'node:crypto';
import type { ServiceHandler, ServiceRequest, ServiceResponse } from '#local-cloud/types.js';
import { parseQuery, type QueryParams, readFilters } from './query.js';
import { el, renderXml, type XmlNode } from './xml.js';

/** A DB instance as the local setup declares it. */
export interface LocalRdsInstanceConfig {
  readonly region: string;
  readonly identifier: string;
  readonly engine: string;
  readonly host: string;
  readonly port: number;
  /** The source instance (identifier in the same Region, or ARN) when this is a read replica. */
  readonly readReplicaOf?: string;
  readonly clusterIdentifier?: string;
}

/** An Aurora cluster as the local setup declares it. */
export interface LocalRdsClusterConfig {
  readonly region: string;
  readonly identifier: string;
  readonly engine: string;
  /** The cluster (writer) endpoint. */
  readonly host: string;
  readonly readerHost?: string;
  readonly port: number;
  /** Members of one global database share this id; the member without `replicationSourceArn` writes. */
  readonly globalClusterIdentifier?: string;
  /** The source cluster ARN when this cluster is a cross-Region replica (or global secondary). */
  readonly replicationSourceArn?: string;
}

/** The local RDS's setup. */
export interface LocalRdsConfig {
  readonly accountId: string;
  readonly instances: readonly LocalRdsInstanceConfig[];
  readonly clusters?: readonly LocalRdsClusterConfig[];
  /** Called after PromoteReadReplica detached `instance`, so the setup can promote the real server. */
  readonly onPromote?: (instance: LocalRdsInstance) => void | Promise<void>;
}

/** An instance as the local RDS holds it. */
export interface LocalRdsInstance {
  readonly region: string;
  readonly identifier: string;
  readonly arn: string;
  readonly engine: string;
  readonly host: string;
  readonly port: number;
  /** The source ARN while this is a read replica. */
  readonly sourceArn: string | undefined;
  readonly clusterIdentifier: string | undefined;
}

/** The RDS ServiceHandler plus a view of its state for tests. */
export interface LocalRds extends ServiceHandler {
  /** A snapshot of the instances, every Region. */
  instances(): readonly LocalRdsInstance[];
}

const NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';

class RdsFault extends Error {
  public constructor(
    public readonly code: string,
    public readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RdsFault';
  }
}

const regionOf = (arn: string): string | undefined => arn.split(':')[3];

/** Same-Region links are plain identifiers, cross-Region ones ARNs, as RDS reports them. */
const linkName = (fromRegion: string, arn: string): string =>
  regionOf(arn) === fromRegion ? (arn.split(':').at(-1) ?? arn) : arn;

const ok = (
  action: string,
  resource: string | undefined,
  result: readonly XmlNode[],
): ServiceResponse => ({
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: `<${action}Response xmlns="${NAMESPACE}">${renderXml([
    el(`${action}Result`, result),
    el('ResponseMetadata', [el('RequestId', randomUUID())]),
  ])}</${action}Response>`,
  operation: action,
  secretId: resource,
  outcome: 'ok',
});

const failure = (
  action: string,
  resource: string | undefined,
  fault: RdsFault,
): ServiceResponse => ({
  status: fault.status,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse xmlns="${NAMESPACE}">${renderXml([
    el('Error', [el('Type', 'Sender'), el('Code', fault.code), el('Message', fault.message)]),
    el('RequestId', randomUUID()),
  ])}</ErrorResponse>`,
  operation: action,
  secretId: resource,
  outcome: fault.code,
});

/**
 * Builds the local RDS from the setup's instances and clusters.
 * ARNs are `arn:aws:rds:<region>:<account>:db:<id>` and `...:cluster:<id>`.
 */
export const createLocalRds = (config: LocalRdsConfig): LocalRds => {
  const instanceArn = (region: string, id: string) =>
    `arn:aws:rds:${region}:${config.accountId}:db:${id}`;
  const clusterArn = (region: string, id: string) =>
    `arn:aws:rds:${region}:${config.accountId}:cluster:${id}`;
  const instances: LocalRdsInstance[] = config.instances.map((instance) => ({
    region: instance.region,
    identifier: instance.identifier,
    arn: instanceArn(instance.region, instance.identifier),
    engine: instance.engine,
    host: instance.host,
    port: instance.port,
    sourceArn:
      instance.readReplicaOf === undefined
        ? undefined
        : instance.readReplicaOf.startsWith('arn:')
          ? instance.readReplicaOf
          : instanceArn(instance.region, instance.readReplicaOf),
    clusterIdentifier: instance.clusterIdentifier,
  }));
  const clusters = (config.clusters ?? []).map((cluster) => ({
    ...cluster,
    arn: clusterArn(cluster.region, cluster.identifier),
  }));

  const instanceXml = (instance: LocalRdsInstance): XmlNode =>
    el('DBInstance', [
      el('DBInstanceIdentifier', instance.identifier),
      el('DBInstanceArn', instance.arn),
      el('DBInstanceClass', 'db.local'),
      el('Engine', instance.engine),
      el('DBInstanceStatus', 'available'),
      el('Endpoint', [el('Address', instance.host), el('Port', instance.port)]),
      el(
        'ReadReplicaSourceDBInstanceIdentifier',
        instance.sourceArn === undefined
          ? undefined
          : linkName(instance.region, instance.sourceArn),
      ),
      el(
        'ReadReplicaDBInstanceIdentifiers',
        instances
          .filter((replica) => replica.sourceArn === instance.arn)
          .map((replica) =>
            el('ReadReplicaDBInstanceIdentifier', linkName(instance.region, replica.arn)),
          ),
      ),
      el('DBClusterIdentifier', instance.clusterIdentifier),
    ]);

  const clusterXml = (cluster: (typeof clusters)[number]): XmlNode =>
    el('DBCluster', [
      el('DBClusterIdentifier', cluster.identifier),
      el('DBClusterArn', cluster.arn),
      el('Engine', cluster.engine),
      el('Status', 'available'),
      el('Endpoint', cluster.host),
      el('ReaderEndpoint', cluster.readerHost),
      el('Port', cluster.port),
      el('ReplicationSourceIdentifier', cluster.replicationSourceArn),
      el(
        'ReadReplicaIdentifiers',
        clusters
          .filter((replica) => replica.replicationSourceArn === cluster.arn)
          .map((replica) => el('ReadReplicaIdentifier', replica.arn)),
      ),
      el(
        'DBClusterMembers',
        instances
          .filter((i) => i.region === cluster.region && i.clusterIdentifier === cluster.identifier)
          .map((i, index) =>
            el('DBClusterMember', [
              el('DBInstanceIdentifier', i.identifier),
              el('IsClusterWriter', index === 0),
            ]),
          ),
      ),
    ]);

  const matches = (filterValues: readonly string[] | undefined, id: string, arn: string) =>
    filterValues === undefined || filterValues.includes(id) || filterValues.includes(arn);

  const describeInstances = (region: string, params: QueryParams): readonly XmlNode[] => {
    const wanted = params.get('DBInstanceIdentifier');
    const filters = readFilters(params);
    const byId = filters.find((f) => f.name === 'db-instance-id')?.values;
    const byCluster = filters.find((f) => f.name === 'db-cluster-id')?.values;
    const found = instances.filter(
      (i) =>
        i.region === region &&
        (wanted === undefined || wanted === i.identifier || wanted === i.arn) &&
        matches(byId, i.identifier, i.arn) &&
        (byCluster === undefined ||
          (i.clusterIdentifier !== undefined &&
            matches(byCluster, i.clusterIdentifier, clusterArn(region, i.clusterIdentifier)))),
    );
    if (wanted !== undefined && found.length === 0) {
      throw new RdsFault('DBInstanceNotFound', 404, `DBInstance ${wanted} not found.`);
    }
    return [el('DBInstances', found.map(instanceXml))];
  };

  const describeClusters = (region: string, params: QueryParams): readonly XmlNode[] => {
    const wanted = params.get('DBClusterIdentifier');
    const byId = readFilters(params).find((f) => f.name === 'db-cluster-id')?.values;
    const found = clusters.filter(
      (c) =>
        c.region === region &&
        (wanted === undefined || wanted === c.identifier || wanted === c.arn) &&
        matches(byId, c.identifier, c.arn),
    );
    if (wanted !== undefined && found.length === 0) {
      throw new RdsFault('DBClusterNotFoundFault', 404, `DBCluster ${wanted} not found.`);
    }
    return [el('DBClusters', found.map(clusterXml))];
  };

  const describeGlobalClusters = (params: QueryParams): readonly XmlNode[] => {
    const wanted = params.get('GlobalClusterIdentifier');
    const ids = [...new Set(clusters.flatMap((c) => c.globalClusterIdentifier ?? []))].filter(
      (id) => wanted === undefined || id === wanted,
    );
    if (wanted !== undefined && ids.length === 0) {
      throw new RdsFault('GlobalClusterNotFoundFault', 404, `Global cluster ${wanted} not found.`);
    }
    // RDS names this list's members GlobalClusterMember, as the SDK model records.
    const globals = ids.map((id) => {
      const members = clusters.filter((c) => c.globalClusterIdentifier === id);
      return el('GlobalClusterMember', [
        el('GlobalClusterIdentifier', id),
        el('GlobalClusterArn', `arn:aws:rds::${config.accountId}:global-cluster:${id}`),
        el('Engine', members[0]?.engine),
        el('Status', 'available'),
        el(
          'GlobalClusterMembers',
          members.map((member) =>
            el('GlobalClusterMember', [
              el('DBClusterArn', member.arn),
              el('IsWriter', member.replicationSourceArn === undefined),
              el(
                'Readers',
                member.replicationSourceArn === undefined
                  ? members.filter((m) => m !== member).map((m) => el('member', m.arn))
                  : [],
              ),
            ]),
          ),
        ),
      ]);
    });
    return [el('GlobalClusters', globals)];
  };

  const promoteReadReplica = async (
    region: string,
    params: QueryParams,
  ): Promise<readonly XmlNode[]> => {
    const wanted = params.get('DBInstanceIdentifier') ?? '';
    const index = instances.findIndex(
      (i) => i.region === region && (i.identifier === wanted || i.arn === wanted),
    );
    const instance = instances[index];
    if (instance === undefined)
      throw new RdsFault('DBInstanceNotFound', 404, `DBInstance ${wanted} not found.`);
    if (instance.sourceArn === undefined) {
      throw new RdsFault(
        'InvalidDBInstanceState',
        400,
        `DB instance ${wanted} is not a read replica.`,
      );
    }
    const promoted: LocalRdsInstance = { ...instance, sourceArn: undefined };
    instances[index] = promoted;
    await config.onPromote?.(promoted);
    return [instanceXml(promoted)];
  };

  const handle = async (request: ServiceRequest): Promise<ServiceResponse> => {
    const params = parseQuery(request.body);
    const action = params.get('Action') ?? '';
    const resource =
      params.get('DBInstanceIdentifier') ??
      params.get('DBClusterIdentifier') ??
      params.get('GlobalClusterIdentifier');
    try {
      switch (action) {
        case 'DescribeDBInstances':
          return ok(action, resource, describeInstances(request.region, params));
        case 'DescribeDBClusters':
          return ok(action, resource, describeClusters(request.region, params));
        case 'DescribeGlobalClusters':
          return ok(action, resource, describeGlobalClusters(params));
        case 'PromoteReadReplica':
          return ok(action, resource, await promoteReadReplica(request.region, params));
        default:
          throw new RdsFault(
            'InvalidAction',
            400,
            `The action ${action} is not valid for this endpoint.`,
          );
      }
    } catch (error) {
      if (error instanceof RdsFault) return failure(action, resource, error);
      throw error;
    }
  };

  return {
    handle,
    // Injected faults (throttling, 5xx) in RDS's own XML error shape, so the SDK parses them.
    faultResponse: (fault) => {
      const { status, headers, body } = failure(
        fault.operation,
        undefined,
        new RdsFault(fault.code, fault.status, fault.message),
      );
      return { status, headers, body };
    },
    instances: () => instances.map((instance) => ({ ...instance })),
  };
};
