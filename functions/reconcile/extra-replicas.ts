/**
 * Which replicas without a pair are really extra. A replica in a target Region names its source
 * (`rotasync:source-arn`); when that source is not among the sweep's pairs for the Region, the
 * replica is either extra (its source was deleted), or its source still lives and only stopped
 * replicating there, or the listing simply missed the source.
 *
 * Deleting the replica of a live source would take a disaster-recovery copy away for nothing
 * (a typo in `rotasync:replicate-to` drops the source from the pairs), so a replica is extra only
 * when DescribeSecret in the source Region confirms its source is scheduled for deletion
 * (`DeletedDate`) or gone. ListSecrets alone cannot say so: it is eventually consistent and
 * "might not reflect changes from the last five minutes"
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html).
 */

import type { SecretMetadata } from '#shared/aws/secret-store.js';
import { describeError } from '#shared/errors.js';
import { mapWithConcurrency } from '#shared/replication/concurrency.js';
import { isUnderPrefix } from '#shared/replication/secret-prefix.js';

/** A replica whose source is not among the sweep's pairs for its Region. */
export interface UnpairedReplica {
  readonly region: string;
  readonly sourceArn: string;
  readonly replicaName: string;
}

/** Membership only: a Set, or the sweep's compact HashedSet. */
export type Membership = Pick<ReadonlySet<string>, 'has'>;

/** What the sweep listed in the source Region. */
export interface ListedSources {
  /** ARNs of every listed source, whatever its tags say. */
  readonly arns: Membership;
  /** Names of every listed source: a same-named live source also keeps a replica. */
  readonly names: Membership;
  /** ARNs of listed sources whose replication tags could not be read (reported as errors). */
  readonly unreadable: Membership;
}

/**
 * - `extra`: the source is confirmed deleted or gone; deletable when deletes replicate.
 * - `no-longer-replicated`: the source is listed, and its tags or the configuration leave this
 *   Region out; reported, never deleted.
 * - `keep`: nothing to report (the source's tags are unreadable and already reported, or the
 *   source exists though the listing missed it).
 * - `error`: the source could not be checked; reported, never deleted.
 */
export type UnpairedVerdict =
  | { readonly kind: 'extra' }
  | { readonly kind: 'no-longer-replicated' }
  | { readonly kind: 'keep' }
  | { readonly kind: 'error'; readonly error: string };

/** What classifying needs: DescribeSecret in the source Region (`undefined`: no such secret). */
export interface ClassifyDeps {
  readonly describeSource: (sourceArn: string) => Promise<SecretMetadata | undefined>;
  readonly prefix: string;
  readonly concurrency: number;
}

/**
 * One verdict per replica, in order. A listed source's replicas are never extra; an unlisted
 * source is described once (however many Regions hold its replicas) before anything is called
 * extra. A source outside the replicated-secret prefix is never described (the role refuses it)
 * and so never confirmed gone.
 */
export const classifyUnpairedReplicas = async (
  replicas: readonly UnpairedReplica[],
  listed: ListedSources,
  deps: ClassifyDeps,
): Promise<UnpairedVerdict[]> => {
  const lookups = new Map<string, Promise<UnpairedVerdict>>();
  const confirm = (sourceArn: string): Promise<UnpairedVerdict> => {
    const known = lookups.get(sourceArn);
    if (known !== undefined) return known;
    const lookup = (async (): Promise<UnpairedVerdict> => {
      if (!isUnderPrefix(sourceArn, deps.prefix)) {
        return {
          kind: 'error',
          error: 'the replica names a source outside the replicated-secret prefix',
        };
      }
      try {
        const source = await deps.describeSource(sourceArn);
        // Alive though unlisted: the listing lagged. The next sweep sees it again.
        return source === undefined || source.deleted ? { kind: 'extra' } : { kind: 'keep' };
      } catch (error) {
        return { kind: 'error', error: describeError(error) };
      }
    })();
    lookups.set(sourceArn, lookup);
    return lookup;
  };
  return mapWithConcurrency(replicas, deps.concurrency, async (replica) => {
    if (listed.arns.has(replica.sourceArn)) {
      return listed.unreadable.has(replica.sourceArn)
        ? { kind: 'keep' }
        : { kind: 'no-longer-replicated' };
    }
    // A live source of the same name (re-created, so another ARN) owns the name: never extra.
    if (listed.names.has(replica.replicaName)) return { kind: 'keep' };
    return confirm(replica.sourceArn);
  });
};
