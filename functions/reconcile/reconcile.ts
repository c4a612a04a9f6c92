/**
 * The reconcile sweep: compares every replicated secret in the source Region with its replica
 * in each target Region and repairs drift through {@link replicateSecret}. Only secrets under
 * the replicated-secret prefix are listed, read or repaired: the role allows no others.
 *
 * Cost grows with the number of secrets, not their history: values are read with
 * BatchGetSecretValue, 20 secrets a call, so N unchanged secrets in R target Regions cost
 * N/20 source reads plus N·R/20 replica reads, one ListSecrets page per 100 secrets per
 * Region, and no write.
 *
 * It streams: the source listing is read a page at a time, its secrets are read 20 at a time,
 * and each Region's replicas 20 at a time, as soon as a batch is full, with reads in several
 * Regions in flight at once. Memory holds a few pages, not the account: what the sweep must
 * remember of every secret (to tell extra replicas) is a 48-bit hash (hashed-set.ts). Repairs
 * start while the listing goes on, with bounded concurrency, each write call taking a token from
 * a bucket (default 10/s) that leaves most of the 50/s write quota to rotations.
 *
 * A sweep longer than one invocation stops before its deadline at a page boundary, once the
 * work in flight has ended, and returns a cursor (sweep-cursor.ts): the next invocation resumes
 * from it. The cursor carries no secrets: a part that looks for extra replicas without having
 * listed every source itself lists the sources again (metadata only, N/100 calls).
 */

import { randomUUID } from 'node:crypto';
import type { SecretMetadata, SecretValue } from '#shared/aws/secret-store.js';
import type { Deadline } from '#shared/deadline.js';
import { FAILED_OVER_FROM_TAG } from '#shared/dr/tags.js';
import { describeError } from '#shared/errors.js';
import {
  compareReplicaValue,
  expectedReplicaValue,
  memoiseRdsDirectory,
} from '#shared/replication/replica-comparison.js';
import { type ReplicateDeps, replicateSecret } from '#shared/replication/replicate-secret.js';
import { isUnderPrefix } from '#shared/replication/secret-prefix.js';
import { SOURCE_ARN_TAG, selectTargetRegions } from '#shared/replication/target-selection.js';
import { classifyUnpairedReplicas, type UnpairedReplica } from './extra-replicas.js';
import { HashedSet } from './hashed-set.js';
import { ListingGate } from './listing-gate.js';
import { rateLimitWrites } from './rate-limited-store.js';
import {
  addTotals,
  type ExtrasPosition,
  NO_TOTALS,
  type SweepCursor,
  type SweepTotals,
} from './sweep-cursor.js';
import { TokenBucket } from './token-bucket.js';
import { WorkPool } from './work-pool.js';

/**
 * Why a replica differs from what it should be. `failed-over`: the target was failed over (it is
 * a source in its own Region now), found when a repair was attempted (a dry run reads its tags);
 * it is left alone.
 */
export type DriftReason =
  | 'missing'
  | 'stale-value'
  | 'wrong-endpoint'
  | 'extra-replica'
  | 'no-longer-replicated'
  | 'failed-over';

/** One drifted replica; `error` names why a repair failed (never a value). */
export interface Drift {
  readonly secret: string;
  readonly region: string;
  readonly reason: DriftReason;
  readonly repaired: boolean;
  readonly error?: string;
}

/** What a sweep (or one part of a sweep) found and did; safe to log. */
export interface ReconcileReport {
  /** Secret × Region pairs compared. */
  readonly checked: number;
  readonly inSync: number;
  readonly repaired: number;
  readonly failed: number;
  readonly dryRun: boolean;
  /** Drift entries, the first {@link LISTED_ENTRIES} found. */
  readonly drift: readonly Drift[];
  /** Secrets that could not be checked (a malformed tag, ...), the first {@link LISTED_ENTRIES}. */
  readonly errors: readonly { readonly secret: string; readonly error: string }[];
  /** Entries found beyond the lists' limit (counted in the figures above, not listed). */
  readonly unlisted?: { readonly drift: number; readonly errors: number };
  /** The sweep stopped before its end: the next invocation resumes from here. */
  readonly continuation?: SweepCursor;
  /** A sweep of several parts: its id, this part, and the counts of every part so far. */
  readonly sweep?: { readonly id: string; readonly part: number; readonly totals: SweepTotals };
}

/** Sweep options. */
export interface ReconcileOptions {
  /** Report drift and write nothing. */
  readonly dryRun?: boolean;
  /** Where an earlier part of this sweep stopped. */
  readonly resumeFrom?: SweepCursor;
  /**
   * The time to start new work within; once spent, the sweep finishes what is in flight and
   * returns a continuation. Absent: it runs to the end.
   */
  readonly deadline?: Deadline;
  /** Ids for a new sweep and the clock of its start (injectable for tests). */
  readonly newSweepId?: () => string;
  readonly now?: () => Date;
}

/** What the sweep needs: replication's deps plus its pacing. */
export interface ReconcileDeps extends ReplicateDeps {
  /** Repairs in flight at once (default 4). */
  readonly concurrency?: number;
  /** Shared pacing of write calls (default 10 per second). */
  readonly writeBucket?: TokenBucket;
  /** Batch reads in flight at once, per Region (default 4). */
  readonly readConcurrency?: number;
}

/** The report lists at most this many drift entries and errors, so its log line stays small. */
export const LISTED_ENTRIES = 500;

const BATCH = 20;
/** How far a Region's replica listing may run ahead of the source listing, and hold unjudged. */
const EXTRAS_LEAD_PAGES = 2;
const EXTRAS_MAX_PENDING = 5_000;

/** A source with its value, waiting for its replica in one Region to be read. */
interface PendingPair {
  readonly secret: SecretMetadata;
  readonly region: string;
  readonly source: SecretValue;
}

/** What the sweep remembers of the sources it listed, for telling extra replicas. */
interface ListedSources {
  /** `region|arn` of every pair the sweep compared or meant to. */
  readonly wanted: HashedSet;
  readonly arns: HashedSet;
  readonly names: HashedSet;
  /** ARNs whose replication tags could not be read (reported as errors). */
  readonly unreadable: Set<string>;
  /** Target Regions, in the order first seen. */
  readonly regions: Set<string>;
}

const newListedSources = (regions: readonly string[]): ListedSources => ({
  wanted: new HashedSet(),
  arns: new HashedSet(),
  names: new HashedSet(),
  unreadable: new Set(),
  regions: new Set(regions),
});

/** One part of a sweep: its counters, its lists, its repairs, its pools of reads. */
class SweepPart {
  public checked = 0;
  public inSync = 0;
  public repaired = 0;
  public failedRepairs = 0;
  public driftFound = 0;
  public errorsFound = 0;
  public readonly drift: Drift[] = [];
  public readonly errors: { secret: string; error: string }[] = [];

  readonly #dryRun: boolean;
  readonly #repairs: WorkPool;

  public constructor(dryRun: boolean, repairConcurrency: number) {
    this.#dryRun = dryRun;
    // A small backlog: a repair found is started soon, and a part can stop quickly.
    this.#repairs = new WorkPool(repairConcurrency, repairConcurrency * 4);
  }

  public error(secret: string, error: string): void {
    this.errorsFound += 1;
    if (this.errors.length < LISTED_ENTRIES) this.errors.push({ secret, error });
  }

  /**
   * Records a drift entry and, unless a dry run, queues its repair, which resolves the entry as
   * it ends up (waits while the repairs are backlogged).
   */
  public async found(
    item: Drift,
    repair: ((item: Drift) => Promise<Drift>) | undefined,
  ): Promise<void> {
    this.driftFound += 1;
    const index = this.drift.length < LISTED_ENTRIES ? this.drift.push(item) - 1 : undefined;
    if (this.#dryRun || repair === undefined) return;
    await this.#repairs.submit(async () => {
      let outcome: Drift;
      try {
        outcome = await repair(item);
      } catch (error) {
        outcome = { ...item, error: describeError(error) };
      }
      if (outcome.repaired) this.repaired += 1;
      if (outcome.error !== undefined) this.failedRepairs += 1;
      if (index !== undefined) this.drift[index] = outcome;
    });
  }

  /** Waits for every queued repair. */
  public async settle(): Promise<void> {
    await this.#repairs.drain();
  }
}

/**
 * Sweeps every replicated secret of `sourceRegion` (or what is left of a sweep, given
 * `resumeFrom`), repairs drift (unless `dryRun`) and returns the report, with a continuation
 * when `deadline` ran out first. Per-secret failures are counted, never thrown; a failed listing
 * or batch read throws.
 */
export const reconcile = async (
  sourceRegion: string,
  options: ReconcileOptions,
  deps: ReconcileDeps,
): Promise<ReconcileReport> => {
  const dryRun = options.dryRun === true;
  const cursor = options.resumeFrom;
  const prefix = deps.config.replicatedSecretPrefix;
  const rds = memoiseRdsDirectory(deps.rds);
  const writeStore = rateLimitWrites(deps.store, deps.writeBucket ?? new TokenBucket(10));
  const repairDeps: ReplicateDeps = { ...deps, rds, store: writeStore };
  const readConcurrency = deps.readConcurrency ?? 4;
  const part = new SweepPart(dryRun, deps.concurrency ?? 4);
  // Never stops before it has done something: a part always makes progress.
  let started = false;
  const timeIsUp = (): boolean => {
    const stop = started && (options.deadline?.remainingMs() ?? 1) <= 0;
    started = true;
    return stop;
  };

  /** The pages of a listing from `nextToken`, the next one fetched while one is processed. */
  const pages = async function* (region: string, tagKey: string | undefined, from?: string) {
    const list = (nextToken: string | undefined) =>
      deps.store(region).list({
        ...(tagKey === undefined ? {} : { tagKey }),
        ...(prefix === '' ? {} : { namePrefix: prefix }),
        ...(nextToken === undefined ? {} : { nextToken }),
      });
    let token = from;
    let next = list(token);
    for (;;) {
      const page = await next;
      const following = page.nextToken;
      if (following !== undefined) {
        next = list(following);
        // Not awaited when the sweep stops here: a rejection must not go unhandled.
        next.catch(() => undefined);
      }
      // ListSecrets filters by name prefix; the ARN check keeps out anything the filter let
      // through that the role's `secret:<prefix>*` would refuse, so the sweep never reads it.
      const secrets = page.secrets.filter((secret) =>
        isUnderPrefix(secret.arn === '' ? secret.name : secret.arn, prefix),
      );
      yield { secrets, token, following };
      if (following === undefined) return;
      token = following;
    }
  };

  /** Remembers what a listed source means for extra replicas; its targets, or an error. */
  const remember = (listed: ListedSources, secret: SecretMetadata): readonly string[] | Error => {
    listed.arns.add(secret.arn);
    listed.names.add(secret.name);
    try {
      const selection = selectTargetRegions(secret, sourceRegion, deps.config.defaultRegions);
      if (!selection.replicate) return [];
      for (const region of selection.regions) {
        listed.wanted.add(`${region}|${secret.arn}`);
        listed.regions.add(region);
      }
      return selection.regions;
    } catch (error) {
      listed.unreadable.add(secret.arn);
      return error instanceof Error ? error : new Error(String(error));
    }
  };

  /** Compares one Region's batch of pairs with their replicas; queues repairs. */
  const compareBatch = async (region: string, batch: readonly PendingPair[]): Promise<void> => {
    const replicas = await deps.store(region).readCurrentBatch(batch.map((p) => p.secret.name));
    for (const pair of batch) {
      part.checked += 1;
      const replica = replicas.get(pair.secret.name);
      let reason: DriftReason | undefined;
      try {
        const expected = await expectedReplicaValue({
          secretName: pair.secret.name,
          tags: pair.secret.tags,
          value: pair.source.value,
          sourceRegion,
          targetRegion: region,
          overrides: deps.config.endpointOverrides,
          rds,
        });
        reason =
          replica === undefined ? 'missing' : compareReplicaValue(expected.value, replica.value);
        // A repair finds a failed-over target by trying; a dry run tries nothing, so it asks the
        // replica's tags (one DescribeSecret per drifted replica, only in a dry run).
        if (dryRun && replica !== undefined && reason !== undefined) {
          const target = await deps.store(region).describe(pair.secret.name);
          if (target?.tags[FAILED_OVER_FROM_TAG] !== undefined) reason = 'failed-over';
        }
      } catch (error) {
        part.error(pair.secret.arn, describeError(error));
        continue;
      }
      if (reason === undefined) {
        part.inSync += 1;
        continue;
      }
      const secretArn = pair.secret.arn;
      await part.found({ secret: secretArn, region, reason, repaired: false }, async (item) => {
        const report = await replicateSecret(
          { secretId: secretArn, sourceRegion, onlyRegions: [region] },
          repairDeps,
        );
        // A failed-over secret is a source in its own Region now: not drift, and never repaired.
        return report.regions.some((result) => result.status === 'failed-over')
          ? { ...item, reason: 'failed-over' }
          : { ...item, repaired: true };
      });
    }
  };

  /**
   * The pairs phase's listing, from `from`: it queues reads and comparisons as it goes, and
   * resolves when the listing is done (`listed` then knows every source it listed) or time ran
   * out (`resumeAt`: the page to resume at); `drain` then waits for the reads and comparisons it
   * queued.
   */
  const listPairs = async (
    listed: ListedSources,
    from: string | undefined,
    gate?: ListingGate,
  ): Promise<{ readonly resumeAt?: string; readonly drain: () => Promise<void> }> => {
    const reads = new Map<string, WorkPool>();
    const poolOf = (region: string): WorkPool => {
      let pool = reads.get(region);
      if (pool === undefined) {
        pool = new WorkPool(readConcurrency, readConcurrency * 2, { failFast: true });
        reads.set(region, pool);
      }
      return pool;
    };
    const waiting = new Map<string, PendingPair[]>();
    const sources: { secret: SecretMetadata; regions: readonly string[] }[] = [];

    const flushRegion = async (region: string, all = false): Promise<void> => {
      const queue = waiting.get(region) ?? [];
      while (queue.length >= BATCH || (all && queue.length > 0)) {
        const batch = queue.splice(0, BATCH);
        await poolOf(region).submit(() => compareBatch(region, batch));
      }
    };
    const regionsOf = (batch: readonly { regions: readonly string[] }[]): string[] => [
      ...new Set(batch.flatMap((item) => item.regions)),
    ];
    const flushSources = async (all = false): Promise<void> => {
      while (sources.length >= BATCH || (all && sources.length > 0)) {
        const batch = sources.splice(0, BATCH);
        await poolOf(sourceRegion).submit(async () => {
          const values = await deps
            .store(sourceRegion)
            .readCurrentBatch(batch.map((item) => item.secret.arn));
          for (const { secret, regions } of batch) {
            const source = values.get(secret.arn);
            if (source === undefined) continue;
            for (const region of regions) {
              const queue = waiting.get(region) ?? [];
              queue.push({ secret, region, source });
              waiting.set(region, queue);
            }
          }
          await Promise.all(regionsOf(batch).map((region) => flushRegion(region)));
        });
      }
    };
    // Let what is in flight end (its failures echo the first) before failing.
    const abandon = async (error: unknown): Promise<never> => {
      await Promise.allSettled([...reads.values()].map((pool) => pool.drain()));
      throw error;
    };
    const drain = async (): Promise<void> => {
      try {
        await flushSources(true);
        await poolOf(sourceRegion).drain();
        for (const region of waiting.keys()) await flushRegion(region, true);
        for (const pool of reads.values()) await pool.drain();
      } catch (error) {
        await abandon(error);
      }
    };

    try {
      for await (const page of pages(sourceRegion, undefined, from)) {
        if (timeIsUp()) {
          gate?.end(false);
          return { resumeAt: page.token ?? '', drain };
        }
        for (const secret of page.secrets) {
          const targets = remember(listed, secret);
          if (targets instanceof Error) part.error(secret.arn, describeError(targets));
          else if (targets.length > 0) sources.push({ secret, regions: targets });
        }
        gate?.page();
        await flushSources();
      }
    } catch (error) {
      gate?.end(false);
      await abandon(error);
    }
    gate?.end(true);
    return { drain };
  };

  /** Lists the sources again, metadata only, to know them when looking for extra replicas. */
  const relist = async (listed: ListedSources): Promise<void> => {
    for await (const page of pages(sourceRegion, undefined)) {
      for (const secret of page.secrets) remember(listed, secret);
    }
  };

  /**
   * The extras phase: lists each Region's replicas from its position, the Regions side by side,
   * and reports (or deletes) the replicas no listed source accounts for. With `gate`, it starts
   * while the source listing still runs (see listing-gate.ts): replicas it cannot judge yet wait
   * until the listing is complete; Regions the listing discovers join as they appear. Resolves
   * the positions to resume at when time ran out, none when done, or `abandoned` when the source
   * listing stopped first.
   */
  const sweepExtras = async (
    listed: ListedSources,
    positions: readonly ExtrasPosition[],
    gate?: ListingGate,
  ): Promise<ExtrasPosition[] | 'abandoned'> => {
    const unchecked = new Set<string>();
    // One DescribeSecret per unlisted source, however many Regions and pages hold its replicas
    // (as many as the sweep finds replicas without a listed source: few).
    const described = new Map<string, Promise<SecretMetadata | undefined>>();
    const describeSource = (arn: string): Promise<SecretMetadata | undefined> => {
      let known = described.get(arn);
      if (known === undefined) {
        known = deps.store(sourceRegion).describe(arn);
        described.set(arn, known);
      }
      return known;
    };
    /** Judges replicas whose source the (complete) listing does not pair with their Region. */
    const judge = async (target: string, replicas: readonly UnpairedReplica[]): Promise<void> => {
      const unpaired = replicas.filter(
        (replica) => !listed.wanted.has(`${target}|${replica.sourceArn}`),
      );
      if (unpaired.length === 0) return;
      const verdicts = await classifyUnpairedReplicas(unpaired, listed, {
        describeSource,
        prefix,
        concurrency: deps.concurrency ?? 4,
      });
      for (const [index, verdict] of verdicts.entries()) {
        const { sourceArn, replicaName } = unpaired[index] as UnpairedReplica;
        // One error per source, however many Regions hold its replicas.
        if (verdict.kind === 'error' && !unchecked.has(sourceArn)) {
          unchecked.add(sourceArn);
          part.error(sourceArn, verdict.error);
        }
        if (verdict.kind !== 'no-longer-replicated' && verdict.kind !== 'extra') continue;
        const reason = verdict.kind === 'extra' ? 'extra-replica' : verdict.kind;
        // A replica of a live source is reported only; it is never deleted by a sweep.
        const repair =
          verdict.kind === 'extra' && deps.config.replicateDeletes
            ? async (item: Drift): Promise<Drift> => {
                await writeStore(target).remove(replicaName, deps.config.recoveryWindowInDays);
                return { ...item, repaired: true };
              }
            : undefined;
        await part.found({ secret: sourceArn, region: target, reason, repaired: false }, repair);
      }
    };
    const sweepRegion = async ({
      region: target,
      nextToken,
    }: ExtrasPosition): Promise<ExtrasPosition | undefined | 'abandoned'> => {
      let pending: UnpairedReplica[] = [];
      let read = 0;
      const stillUnpaired = (replica: UnpairedReplica): boolean =>
        !listed.wanted.has(`${target}|${replica.sourceArn}`);
      // Replicas whose source the listing has reached since are paired: no longer pending.
      const stillPending = (): number => {
        pending = pending.filter(stillUnpaired);
        return pending.length;
      };
      for await (const page of pages(target, SOURCE_ARN_TAG, nextToken)) {
        if (gate !== undefined && !(await gate.admit(read, stillPending))) return 'abandoned';
        if (gate?.state === 'complete' && pending.length > 0) {
          await judge(target, pending);
          pending = [];
        }
        // Time is judged only once the source listing is complete: before, it decides.
        if (gate?.state !== 'listing' && timeIsUp()) {
          return page.token === undefined
            ? { region: target }
            : { region: target, nextToken: page.token };
        }
        read += 1;
        const candidates = page.secrets.flatMap((replica) => {
          const sourceArn = replica.tags[SOURCE_ARN_TAG] ?? '';
          return sourceArn.split(':')[3] !== sourceRegion ||
            listed.wanted.has(`${target}|${sourceArn}`)
            ? []
            : [{ region: target, sourceArn, replicaName: replica.name }];
        });
        if (gate?.state === 'listing') pending.push(...candidates);
        else await judge(target, candidates);
      }
      if (gate !== undefined && pending.length > 0) {
        if ((await gate.ended()) === 'stopped') return 'abandoned';
        await judge(target, pending);
      }
      return undefined;
    };
    const running = new Map<string, Promise<ExtrasPosition | undefined | 'abandoned'>>();
    const start = (position: ExtrasPosition): void => {
      if (position.region === sourceRegion || running.has(position.region)) return;
      running.set(position.region, sweepRegion(position));
    };
    for (const position of positions) start(position);
    if (gate !== undefined) {
      // Regions named by the sources' tags join as the listing finds them.
      while (gate.state === 'listing') {
        for (const region of listed.regions) start({ region });
        await gate.changed();
      }
      if (gate.state === 'stopped') {
        await Promise.allSettled(running.values());
        return 'abandoned';
      }
      for (const region of listed.regions) start({ region });
    }
    const outcomes = await Promise.all(running.values());
    if (outcomes.includes('abandoned')) return 'abandoned';
    return outcomes.filter((outcome): outcome is ExtrasPosition => typeof outcome === 'object');
  };

  /** The configured target Regions, each listed from its first page. */
  const defaultTargets = (): ExtrasPosition[] =>
    deps.config.defaultRegions
      .filter((region) => region !== sourceRegion)
      .map((region) => ({ region }));

  /** Every target Region, each listed from its first page. */
  const allRegions = (listed: ListedSources): ExtrasPosition[] =>
    [...new Set([...listed.regions, ...deps.config.defaultRegions])]
      .filter((region) => region !== sourceRegion)
      .map((region) => ({ region }));

  /** Both settle before the first failure is thrown: nothing is left running. */
  const together = async <A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> => {
    const [first, second] = await Promise.allSettled([a, b]);
    if (first.status === 'rejected') throw first.reason;
    if (second.status === 'rejected') throw second.reason;
    return [first.value, second.value];
  };

  // The phases, from where the cursor says. A sweep that starts at the beginning looks for
  // extra replicas beside its source listing (listing-gate.ts); a part that resumes lists the
  // sources again first, since it knows only those it listed itself.
  const listed = newListedSources(cursor?.regions ?? []);
  let continuation: Omit<SweepCursor, 'id' | 'part' | 'startedAt' | 'totals'> | undefined;
  const extrasLeft = (left: readonly ExtrasPosition[]): void => {
    if (left.length > 0) {
      continuation = { phase: 'extras', regions: [...listed.regions], extras: left };
    }
  };
  try {
    if (cursor === undefined) {
      const gate = new ListingGate(EXTRAS_LEAD_PAGES, EXTRAS_MAX_PENDING);
      const extras = sweepExtras(listed, defaultTargets(), gate);
      let pairs: Awaited<ReturnType<typeof listPairs>>;
      try {
        pairs = await listPairs(listed, undefined, gate);
      } catch (error) {
        // The gate says the listing stopped: the early extras end; wait for them, then fail.
        await extras.catch(() => undefined);
        throw error;
      }
      const [, early] = await together(pairs.drain(), extras);
      if (pairs.resumeAt !== undefined) {
        continuation = { phase: 'pairs', nextToken: pairs.resumeAt, regions: [...listed.regions] };
      } else if (early !== 'abandoned') {
        extrasLeft(early);
      }
    } else if (cursor.phase === 'pairs') {
      const pairs = await listPairs(listed, cursor.nextToken);
      if (pairs.resumeAt !== undefined) {
        await pairs.drain();
        continuation = { phase: 'pairs', nextToken: pairs.resumeAt, regions: [...listed.regions] };
      } else {
        const extras = async () => {
          await relist(listed);
          const left = await sweepExtras(listed, allRegions(listed));
          if (left !== 'abandoned') extrasLeft(left);
        };
        await together(pairs.drain(), extras());
      }
    } else {
      await relist(listed);
      const left = await sweepExtras(listed, cursor.extras ?? allRegions(listed));
      if (left !== 'abandoned') extrasLeft(left);
    }
  } finally {
    await part.settle();
  }

  const failed = part.failedRepairs + part.errorsFound;
  const totals = addTotals(cursor?.totals ?? NO_TOTALS, {
    checked: part.checked,
    inSync: part.inSync,
    repaired: part.repaired,
    failed,
    drift: part.driftFound,
  });
  const id = cursor?.id ?? options.newSweepId?.() ?? randomUUID();
  const partNumber = cursor?.part ?? 1;
  const unlisted = {
    drift: part.driftFound - part.drift.length,
    errors: part.errorsFound - part.errors.length,
  };
  return {
    checked: part.checked,
    inSync: part.inSync,
    repaired: part.repaired,
    failed,
    dryRun,
    drift: part.drift,
    errors: part.errors,
    ...(unlisted.drift + unlisted.errors > 0 ? { unlisted } : {}),
    ...(continuation === undefined
      ? {}
      : {
          continuation: {
            id,
            part: partNumber + 1,
            startedAt: cursor?.startedAt ?? (options.now?.() ?? new Date()).toISOString(),
            ...continuation,
            totals,
          },
        }),
    ...(continuation === undefined && cursor === undefined
      ? {}
      : { sweep: { id, part: partNumber, totals } }),
  };
};
