/**
 * The tags the disaster-recovery functions read and write. A replica carries the provenance tags
 * of replication (`rotasync:source-arn`, `-version`, `-version-date`); failover replaces them by
 * the `rotasync:failed-over-*` tags below, which mark a secret that is no longer a replica: it
 * is the source in its Region now, and replication never overwrites it. (No imports here:
 * replication reads these names too.)
 */

/** On a failed-over secret: the ARN of the source it replicated before the failover. */
export const FAILED_OVER_FROM_TAG = 'rotasync:failed-over-from';
/** On a failed-over secret: when it became a source (ISO 8601). */
export const FAILED_OVER_AT_TAG = 'rotasync:failed-over-at';
/** On a failed-over secret: its own AWSCURRENT version id at the failover. */
export const FAILED_OVER_VERSION_TAG = 'rotasync:failed-over-version';
/**
 * On a failed-over secret: the old source's version id it held at the failover, so failback can
 * tell whether the old Region's secret changed since (its AWSCURRENT is no longer that version).
 */
export const FAILED_OVER_SOURCE_VERSION_TAG = 'rotasync:failed-over-source-version';

/** Every tag failover sets. */
export const FAILED_OVER_TAGS: readonly string[] = [
  FAILED_OVER_FROM_TAG,
  FAILED_OVER_AT_TAG,
  FAILED_OVER_VERSION_TAG,
  FAILED_OVER_SOURCE_VERSION_TAG,
];
