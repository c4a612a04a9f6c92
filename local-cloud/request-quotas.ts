/**
 * Secrets Manager's request-rate quotas, per Region, as token buckets: each operation group
 * refills at its documented rate and holds at most one second's worth (at least one request),
 * so a burst beyond the quota is answered with ThrottlingException, as the service does.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
 * GetSecretValue 10,000/s and DescribeSecret 40,000/s since
 * https://aws.amazon.com/about-aws/whats-new/2025/03/aws-secrets-manager-increases-api-requests-seconds/
 * ListSecrets 100/s since
 * https://aws.amazon.com/about-aws/whats-new/2022/11/aws-secrets-manager-increases-api-requests-per-second-limits/
 */

/** Operations that share one request-rate quota. */
export interface QuotaGroup {
  readonly name: string;
  /** Requests per second, per Region. */
  readonly perSecond: number;
  readonly operations: readonly string[];
}

/** The quotas the local cloud enforces when asked to (FaultSettings.requestQuota). */
export const SECRETS_MANAGER_QUOTAS: readonly QuotaGroup[] = [
  { name: 'GetSecretValue', perSecond: 10_000, operations: ['GetSecretValue'] },
  { name: 'DescribeSecret', perSecond: 40_000, operations: ['DescribeSecret'] },
  {
    name: 'writes',
    perSecond: 50,
    operations: [
      'PutSecretValue',
      'RemoveRegionsFromReplication',
      'ReplicateSecretToRegion',
      'StopReplicationToReplica',
      'UpdateSecret',
      'UpdateSecretVersionStage',
    ],
  },
  { name: 'BatchGetSecretValue', perSecond: 100, operations: ['BatchGetSecretValue'] },
  { name: 'ListSecrets', perSecond: 100, operations: ['ListSecrets'] },
  { name: 'CreateSecret', perSecond: 50, operations: ['CreateSecret'] },
  { name: 'DeleteSecret', perSecond: 50, operations: ['DeleteSecret'] },
  { name: 'RestoreSecret', perSecond: 50, operations: ['RestoreSecret'] },
  { name: 'rotation', perSecond: 50, operations: ['RotateSecret', 'CancelRotateSecret'] },
  { name: 'tags', perSecond: 50, operations: ['TagResource', 'UntagResource'] },
  { name: 'GetRandomPassword', perSecond: 50, operations: ['GetRandomPassword'] },
  { name: 'ListSecretVersionIds', perSecond: 50, operations: ['ListSecretVersionIds'] },
  {
    name: 'resource policies',
    perSecond: 50,
    operations: [
      'DeleteResourcePolicy',
      'GetResourcePolicy',
      'PutResourcePolicy',
      'ValidateResourcePolicy',
    ],
  },
];

const GROUP_OF: ReadonlyMap<string, QuotaGroup> = new Map(
  SECRETS_MANAGER_QUOTAS.flatMap((group) => group.operations.map((op) => [op, group] as const)),
);

/** The quota group of a Secrets Manager operation; `undefined` for any other name. */
export const quotaGroupOf = (operation: string): QuotaGroup | undefined => GROUP_OF.get(operation);

interface Bucket {
  readonly perSecond: number;
  readonly capacity: number;
  tokens: number;
  refilledAt: number;
}

/** Token buckets per Region and quota group. */
export interface QuotaBuckets {
  /**
   * Takes a token for one call of `operation` in `region`, the quotas multiplied by `scale`;
   * false when the group's bucket is empty (the call is throttled). Operations outside every
   * group are always admitted.
   */
  admit(operation: string, region: string, scale: number): boolean;
  /** Refills every bucket (forgets every Region's recent calls). */
  reset(): void;
}

/** Buckets on the clock `now` (milliseconds); injectable so tests never wait. */
export const createQuotaBuckets = (now: () => number = () => performance.now()): QuotaBuckets => {
  const buckets = new Map<string, Bucket>();
  return {
    admit(operation, region, scale) {
      const group = quotaGroupOf(operation);
      if (group === undefined) return true;
      const perSecond = group.perSecond * scale;
      const key = `${region}|${group.name}`;
      const at = now();
      let bucket = buckets.get(key);
      // A new scale starts a full bucket at the new rate.
      if (bucket === undefined || bucket.perSecond !== perSecond) {
        const capacity = Math.max(1, perSecond);
        bucket = { perSecond, capacity, tokens: capacity, refilledAt: at };
        buckets.set(key, bucket);
      }
      const elapsedSeconds = Math.max(0, at - bucket.refilledAt) / 1000;
      bucket.tokens = Math.min(bucket.capacity, bucket.tokens + elapsedSeconds * perSecond);
      bucket.refilledAt = at;
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    reset() {
      buckets.clear();
    },
  };
};
