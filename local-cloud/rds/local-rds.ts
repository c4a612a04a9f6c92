/**
 * A local RDS API (Query protocol, version 2014-10-31) with just what Rotasync needs:
 * DescribeDBInstances, DescribeDBClusters, DescribeGlobalClusters, PromoteReadReplica,
 * PromoteReadReplicaDBCluster and FailoverGlobalCluster, over instances and clusters the local
 * setup declares. Responses follow the shapes the real `@aws-sdk/client-rds` parses (list members
 * named as in its model, e.g. `<DBInstance>`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/Welcome.html
 *
 * Promotions take time, as in RDS: PromoteReadReplica answers at once with the instance
 * `modifying`; it then turns `rebooting` while the real server is promoted (the instance's
 * `promote` hook, e.g. `pg_promote()`), and `available`, no longer a replica, when that is done
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html).
 * `promotionDelayMs` holds the first state longer, so a caller can see a promotion outlive its
 * own time budget. Clusters pass through `promoting`; a global database through `failing-over`.
 * RDS's CloudWatch metrics for replicas (ReplicaLag, AuroraGlobalDBReplicationLag) are served by
 * `metric`, for the local CloudWatch.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceHandler, ServiceRequest, ServiceResponse } from '#local-cloud/types.js';
import { parseQuery, type QueryParams, readFilters } from './query.js';
import { el, renderXml, type XmlNode } from './xml.js';

/** Lag of a replica in seconds: a fixed figure, or measured on the real server each time. */
export type ReplicaLagSource = number | (() => Promise<number | undefined>);

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
  /** Promotes the real server behind a replica (e.g. `pg_promote()`); resolves when it writes. */
  readonly promote?: () => Promise<void>;
  /** The replica's lag in seconds (CloudWatch `ReplicaLag`); no datapoint when absent. */
  readonly replicaLagSeconds?: ReplicaLagSource;
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
  /** A global secondary's lag in seconds (CloudWatch `AuroraGlobalDBReplicationLag`, in ms). */
  readonly replicaLagSeconds?: ReplicaLagSource;
}

/** The local RDS's setup. */
export interface LocalRdsConfig {
  readonly accountId: string;
  readonly instances: readonly LocalRdsInstanceConfig[];
  readonly clusters?: readonly LocalRdsClusterConfig[];
  /** How long a promotion stays in its first state (`modifying`, `promoting`, `failing-over`); 0. */
  readonly promotionDelayMs?: number;
  /** Called after a promoted instance turned `available`. */
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
  /** `available`, or a transitional state such as `modifying` or `rebooting`. */
  readonly status: string;
  /** The source ARN while this is a read replica. */
  readonly sourceArn: string | undefined;
  readonly clusterIdentifier: string | undefined;
}

/** A cluster as the local RDS holds it. */
export interface LocalRdsCluster {
  readonly region: string;
  readonly identifier: string;
  readonly arn: string;
  readonly status: string;
  readonly replicationSourceArn: string | undefined;
  readonly globalClusterIdentifier: string | undefined;
}

/** One metric request, as CloudWatch names it. */
export interface MetricRequest {
  readonly region: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The RDS ServiceHandler plus a view of its state and knobs for tests. */
export interface LocalRds extends ServiceHandler {
  /** A snapshot of the instances, every Region. */
  instances(): readonly LocalRdsInstance[];
  /** A snapshot of the clusters, every Region. */
  clusters(): readonly LocalRdsCluster[];
  /** Sets an instance's status, e.g. `stopped` or `storage-full`, as an outage would. */
  setInstanceStatus(region: string, identifier: string, status: string): void;
  /** How long later promotions stay in their first state. */
  setPromotionDelay(ms: number): void;
  /** Resolves when every promotion started so far has ended (failed ones included). */
  settled(): Promise<void>;
  /** The latest value of an RDS metric, for the local CloudWatch; `undefined`: no datapoint. */
  metric(request: MetricRequest): Promise<number | undefined>;
}

const NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';
const AVAILABLE = 'available';

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

interface InstanceState {
  readonly config: LocalRdsInstanceConfig;
  readonly arn: string;
  status: string;
  sourceArn: string | undefined;
}

interface ClusterState {
  readonly config: LocalRdsClusterConfig;
  readonly arn: string;
  status: string;
  replicationSourceArn: string | undefined;
}

interface GlobalFailover {
  readonly fromArn: string | undefined;
  readonly toArn: string;
  readonly allowDataLoss: boolean;
}

const regionOf = (arn: string): string | undefined => arn.split(':')[3];

/** Same-Region links are plain identifiers, cross-Region ones ARNs, as RDS reports them. */
const linkName = (fromRegion: string, arn: string): string =>
  regionOf(arn) === fromRegion ? (arn.split(':').at(-1) ?? arn) : arn;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const readLag = async (source: ReplicaLagSource | undefined): Promise<number | undefined> =>
  typeof source === 'function' ? source() : source;

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
  const globalArn = (id: string) => `arn:aws:rds::${config.accountId}:global-cluster:${id}`;
  let promotionDelayMs = config.promotionDelayMs ?? 0;
  const background: Promise<void>[] = [];
  const globalFailovers = new Map<string, GlobalFailover>();

  const instances: InstanceState[] = config.instances.map((instance) => ({
    config: instance,
    arn: instanceArn(instance.region, instance.identifier),
    status: AVAILABLE,
    sourceArn:
      instance.readReplicaOf === undefined
        ? undefined
        : instance.readReplicaOf.startsWith('arn:')
          ? instance.readReplicaOf
          : instanceArn(instance.region, instance.readReplicaOf),
  }));
  const clusters: ClusterState[] = (config.clusters ?? []).map((cluster) => ({
    config: cluster,
    arn: clusterArn(cluster.region, cluster.identifier),
    status: AVAILABLE,
    replicationSourceArn: cluster.replicationSourceArn,
  }));

  const viewOf = (instance: InstanceState): LocalRdsInstance => ({
    region: instance.config.region,
    identifier: instance.config.identifier,
    arn: instance.arn,
    engine: instance.config.engine,
    host: instance.config.host,
    port: instance.config.port,
    status: instance.status,
    sourceArn: instance.sourceArn,
    clusterIdentifier: instance.config.clusterIdentifier,
  });

  /** Runs a state change in the background, as RDS does after answering. */
  const later = (work: () => Promise<void>): void => {
    background.push(
      (async () => {
        await sleep(promotionDelayMs);
        await work();
      })(),
    );
  };

  const instanceXml = (instance: InstanceState): XmlNode => {
    const region = instance.config.region;
    return el('DBInstance', [
      el('DBInstanceIdentifier', instance.config.identifier),
      el('DBInstanceArn', instance.arn),
      el('DBInstanceClass', 'db.local'),
      el('Engine', instance.config.engine),
      el('DBInstanceStatus', instance.status),
      el('Endpoint', [el('Address', instance.config.host), el('Port', instance.config.port)]),
      el(
        'ReadReplicaSourceDBInstanceIdentifier',
        instance.sourceArn === undefined ? undefined : linkName(region, instance.sourceArn),
      ),
      el(
        'ReadReplicaDBInstanceIdentifiers',
        instances
          .filter((replica) => replica.sourceArn === instance.arn)
          .map((replica) => el('ReadReplicaDBInstanceIdentifier', linkName(region, replica.arn))),
      ),
      el('DBClusterIdentifier', instance.config.clusterIdentifier),
    ]);
  };

  const clusterXml = (cluster: ClusterState): XmlNode =>
    el('DBCluster', [
      el('DBClusterIdentifier', cluster.config.identifier),
      el('DBClusterArn', cluster.arn),
      el('Engine', cluster.config.engine),
      el('Status', cluster.status),
      el('Endpoint', cluster.config.host),
      el('ReaderEndpoint', cluster.config.readerHost),
      el('Port', cluster.config.port),
      el('ReplicationSourceIdentifier', cluster.replicationSourceArn),
      el('GlobalClusterIdentifier', cluster.config.globalClusterIdentifier),
      el(
        'ReadReplicaIdentifiers',
        clusters
          .filter((replica) => replica.replicationSourceArn === cluster.arn)
          .map((replica) => el('ReadReplicaIdentifier', replica.arn)),
      ),
      el(
        'DBClusterMembers',
        instances
          .filter(
            (i) =>
              i.config.region === cluster.config.region &&
              i.config.clusterIdentifier === cluster.config.identifier,
          )
          .map((i, index) =>
            el('DBClusterMember', [
              el('DBInstanceIdentifier', i.config.identifier),
              el('IsClusterWriter', index === 0),
            ]),
          ),
      ),
    ]);

  const globalIds = (): string[] => [
    ...new Set(clusters.flatMap((c) => c.config.globalClusterIdentifier ?? [])),
  ];

  const globalXml = (id: string): XmlNode => {
    const members = clusters.filter((c) => c.config.globalClusterIdentifier === id);
    const failover = globalFailovers.get(id);
    // RDS names this list's members GlobalClusterMember, as the SDK model records.
    return el('GlobalClusterMember', [
      el('GlobalClusterIdentifier', id),
      el('GlobalClusterArn', globalArn(id)),
      el('Engine', members[0]?.config.engine),
      el('Status', failover === undefined ? AVAILABLE : 'failing-over'),
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
      el(
        'FailoverState',
        failover === undefined
          ? undefined
          : [
              el('Status', 'failing-over'),
              el('FromDbClusterArn', failover.fromArn),
              el('ToDbClusterArn', failover.toArn),
              el('IsDataLossAllowed', failover.allowDataLoss),
            ],
      ),
    ]);
  };

  const matches = (filterValues: readonly string[] | undefined, id: string, arn: string) =>
    filterValues === undefined || filterValues.includes(id) || filterValues.includes(arn);

  const findInstance = (region: string, wanted: string): InstanceState => {
    const found = instances.find(
      (i) => i.config.region === region && (i.config.identifier === wanted || i.arn === wanted),
    );
    if (found === undefined) {
      throw new RdsFault('DBInstanceNotFound', 404, `DBInstance ${wanted} not found.`);
    }
    return found;
  };

  const findCluster = (region: string, wanted: string): ClusterState => {
    const found = clusters.find(
      (c) => c.config.region === region && (c.config.identifier === wanted || c.arn === wanted),
    );
    if (found === undefined) {
      throw new RdsFault('DBClusterNotFoundFault', 404, `DBCluster ${wanted} not found.`);
    }
    return found;
  };

  const describeInstances = (region: string, params: QueryParams): readonly XmlNode[] => {
    const wanted = params.get('DBInstanceIdentifier');
    const filters = readFilters(params);
    const byId = filters.find((f) => f.name === 'db-instance-id')?.values;
    const byCluster = filters.find((f) => f.name === 'db-cluster-id')?.values;
    const found = instances.filter(
      (i) =>
        i.config.region === region &&
        (wanted === undefined || wanted === i.config.identifier || wanted === i.arn) &&
        matches(byId, i.config.identifier, i.arn) &&
        (byCluster === undefined ||
          (i.config.clusterIdentifier !== undefined &&
            matches(
              byCluster,
              i.config.clusterIdentifier,
              clusterArn(region, i.config.clusterIdentifier),
            ))),
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
        c.config.region === region &&
        (wanted === undefined || wanted === c.config.identifier || wanted === c.arn) &&
        matches(byId, c.config.identifier, c.arn),
    );
    if (wanted !== undefined && found.length === 0) {
      throw new RdsFault('DBClusterNotFoundFault', 404, `DBCluster ${wanted} not found.`);
    }
    return [el('DBClusters', found.map(clusterXml))];
  };

  const describeGlobalClusters = (params: QueryParams): readonly XmlNode[] => {
    const wanted = params.get('GlobalClusterIdentifier');
    const ids = globalIds().filter(
      (id) => wanted === undefined || id === wanted || globalArn(id) === wanted,
    );
    if (wanted !== undefined && ids.length === 0) {
      throw new RdsFault('GlobalClusterNotFoundFault', 404, `Global cluster ${wanted} not found.`);
    }
    return [el('GlobalClusters', ids.map(globalXml))];
  };

  const promoteReadReplica = (region: string, params: QueryParams): readonly XmlNode[] => {
    const wanted = params.get('DBInstanceIdentifier') ?? '';
    const instance = findInstance(region, wanted);
    if (instance.sourceArn === undefined) {
      throw new RdsFault(
        'InvalidDBInstanceState',
        400,
        `DB instance ${wanted} is not a read replica.`,
      );
    }
    if (instance.status !== AVAILABLE) {
      throw new RdsFault(
        'InvalidDBInstanceState',
        400,
        `DB instance ${wanted} is not in the available state (it is ${instance.status}).`,
      );
    }
    instance.status = 'modifying';
    later(async () => {
      instance.status = 'rebooting';
      try {
        await instance.config.promote?.();
      } catch (error) {
        // The real server did not leave recovery: RDS would show the instance failed.
        instance.status = 'failed';
        console.error(`local RDS: promoting ${instance.config.identifier} failed`, error);
        return;
      }
      instance.sourceArn = undefined;
      instance.status = AVAILABLE;
      await config.onPromote?.(viewOf(instance));
    });
    return [instanceXml(instance)];
  };

  const promoteReadReplicaDbCluster = (region: string, params: QueryParams): readonly XmlNode[] => {
    const wanted = params.get('DBClusterIdentifier') ?? '';
    const cluster = findCluster(region, wanted);
    if (cluster.replicationSourceArn === undefined || cluster.status !== AVAILABLE) {
      throw new RdsFault(
        'InvalidDBClusterStateFault',
        400,
        `DB cluster ${wanted} is not an available read replica cluster.`,
      );
    }
    if (cluster.config.globalClusterIdentifier !== undefined) {
      throw new RdsFault(
        'InvalidDBClusterStateFault',
        400,
        `DB cluster ${wanted} is a member of global cluster ${cluster.config.globalClusterIdentifier}: use FailoverGlobalCluster or RemoveFromGlobalCluster.`,
      );
    }
    cluster.status = 'promoting';
    later(async () => {
      cluster.replicationSourceArn = undefined;
      cluster.status = AVAILABLE;
    });
    return [clusterXml(cluster)];
  };

  const failoverGlobalCluster = (params: QueryParams): readonly XmlNode[] => {
    const wanted = params.get('GlobalClusterIdentifier') ?? '';
    const targetId = params.get('TargetDbClusterIdentifier') ?? '';
    const id = globalIds().find(
      (candidate) => candidate === wanted || globalArn(candidate) === wanted,
    );
    if (id === undefined) {
      throw new RdsFault('GlobalClusterNotFoundFault', 404, `Global cluster ${wanted} not found.`);
    }
    const members = clusters.filter((c) => c.config.globalClusterIdentifier === id);
    const target = members.find((c) => c.arn === targetId || c.config.identifier === targetId);
    if (target === undefined) {
      throw new RdsFault(
        'DBClusterNotFoundFault',
        404,
        `DBCluster ${targetId} is not a member of global cluster ${id}.`,
      );
    }
    if (globalFailovers.has(id) || target.replicationSourceArn === undefined) {
      throw new RdsFault(
        'InvalidGlobalClusterStateFault',
        400,
        `Global cluster ${id} is failing over, or ${targetId} is its writer already.`,
      );
    }
    const writer = members.find((c) => c.replicationSourceArn === undefined);
    globalFailovers.set(id, {
      fromArn: writer?.arn,
      toArn: target.arn,
      allowDataLoss: params.get('AllowDataLoss') === 'true',
    });
    later(async () => {
      // The target writes; every other member (the old writer included) replicates from it.
      target.replicationSourceArn = undefined;
      for (const member of members) if (member !== target) member.replicationSourceArn = target.arn;
      globalFailovers.delete(id);
    });
    return [el('GlobalCluster', globalXml(id).value)];
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
          return ok(action, resource, promoteReadReplica(request.region, params));
        case 'PromoteReadReplicaDBCluster':
          return ok(action, resource, promoteReadReplicaDbCluster(request.region, params));
        case 'FailoverGlobalCluster':
          return ok(action, resource, failoverGlobalCluster(params));
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

  const metric = async (request: MetricRequest): Promise<number | undefined> => {
    if (request.namespace !== 'AWS/RDS') return undefined;
    if (request.metricName === 'ReplicaLag') {
      const id = request.dimensions.DBInstanceIdentifier;
      const instance = instances.find(
        (i) => i.config.region === request.region && i.config.identifier === id,
      );
      // RDS publishes ReplicaLag for read replicas only.
      if (instance?.sourceArn === undefined) return undefined;
      return readLag(instance.config.replicaLagSeconds);
    }
    if (request.metricName === 'AuroraGlobalDBReplicationLag') {
      const id = request.dimensions.DBClusterIdentifier;
      const cluster = clusters.find(
        (c) => c.config.region === request.region && c.config.identifier === id,
      );
      if (cluster?.replicationSourceArn === undefined) return undefined;
      const seconds = await readLag(cluster.config.replicaLagSeconds);
      return seconds === undefined ? undefined : seconds * 1000;
    }
    return undefined;
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
    instances: () => instances.map(viewOf),
    clusters: () =>
      clusters.map((cluster) => ({
        region: cluster.config.region,
        identifier: cluster.config.identifier,
        arn: cluster.arn,
        status: cluster.status,
        replicationSourceArn: cluster.replicationSourceArn,
        globalClusterIdentifier: cluster.config.globalClusterIdentifier,
      })),
    setInstanceStatus: (region, identifier, status) => {
      findInstance(region, identifier).status = status;
    },
    setPromotionDelay: (ms) => {
      if (!(ms >= 0)) throw new RangeError('the promotion delay must be 0 or more');
      promotionDelayMs = ms;
    },
    settled: async () => {
      let count = -1;
      while (count !== background.length) {
        count = background.length;
        await Promise.allSettled(background.slice(0, count));
      }
    },
    metric,
  };
};
