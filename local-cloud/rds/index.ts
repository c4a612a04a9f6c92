/** The local RDS API: see local-rds.ts. */
export {
  createLocalRds,
  type LocalRds,
  type LocalRdsCluster,
  type LocalRdsClusterConfig,
  type LocalRdsConfig,
  type LocalRdsInstance,
  type LocalRdsInstanceConfig,
  type MetricRequest,
  type ReplicaLagSource,
} from './local-rds.js';
export { postgresReplicaPair, type RealInstance, rdsServices } from './real-servers.js';
