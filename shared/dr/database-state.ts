/**
 * Reads a recovery database's RDS status as failover needs it: ready to take writes, a replica
 * still to promote, busy (a promotion or another change in progress: wait), or broken (a state
 * that waiting will not end, such as `stopped` or `storage-full`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html
 */
import type { RecoveryDatabase } from '#shared/aws/rds-directory.js';

/** What failover does next with a database. */
export type DatabaseState = 'ready' | 'replica' | 'busy' | 'broken';

/** Statuses RDS does not leave by itself: an operator must act. */
const BROKEN = new Set([
  'failed',
  'stopped',
  'stopping',
  'storage-full',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-parameters',
  'incompatible-restore',
  'incompatible-credentials',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'insufficient-capacity',
  'restore-error',
  'deleting',
  'deleted',
]);

/** The state of `database`. */
export const databaseState = (database: RecoveryDatabase): DatabaseState => {
  if (BROKEN.has(database.status)) return 'broken';
  if (database.status !== 'available') return 'busy';
  return database.replica ? 'replica' : 'ready';
};
