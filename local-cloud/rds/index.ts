/** The local RDS API: see local-rds.ts. */
export {
  createLocalRds,
  type LocalRds,
  type LocalRdsClusterConfig,
  type LocalRdsConfig,
  type LocalRdsInstance,
  type LocalRdsInstanceConfig,
} from './local-rds.js';
