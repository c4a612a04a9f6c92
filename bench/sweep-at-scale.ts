/**
 * The `reconcile` sweep at scale: N unchanged secrets in the primary Region, each already
 * replicated to 2 recovery Regions, swept by one invocation of the real function (in its own
 * execution environment) against the local cloud with 20 ms added to every call and Secrets
 * Manager's request-rate quotas enforced per Region and operation group (ListSecrets and
 * BatchGetSecretValue: 100 a second each).
 *
 * Seeding goes straight into the local cloud's in-memory store (`cloud.seedSecrets`): 3·N
 * secrets through the API would take longer than the sweep itself. The values are database
 * secrets whose replicas hold the Region's endpoint, given as `endpointOverrides` (no RDS lookup).
 *
 * The lower bound: the sweep must make its calls; no Region may take more than its quota of each
 * operation a second (after the first second's burst the quota's bucket holds); the listing is a
 * chain (each page's NextToken comes from the page before), at least the added latency a page;
 * and the function reads with at most 4 batch reads in flight per Region. The bound is the
 * largest of these; the ratio is the wall time over it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import {
  EUROPE,
  PRIMARY,
  type ReplicationHarness,
  type SweepReport,
  startReplicationHarness,
  WEST,
} from '#local-cloud/replication-stack.js';
import { quotaGroupOf } from '#local-cloud/request-quotas.js';

const PREFIX = 'bench/sweep/';
const REGIONS = [WEST, EUROPE] as const;
const ENDPOINTS: Record<string, string> = {
  [WEST]: 'replica-west.bench.example',
  [EUROPE]: 'replica-europe.bench.example',
};
/** The function's batch reads in flight per Region (reconcile's default readConcurrency). */
const READ_CONCURRENCY = 4;

export interface SweepScaleOptions {
  readonly latencyMs: number;
  /** Multiplies every quota; 1: the service's. */
  readonly quotaScale: number;
  /** The function's V8 old-space limit (MiB, --max-old-space-size); Node's default when absent. */
  readonly heapLimitMiB?: number;
}

/** One sweep's figures. */
export interface SweepScaleFigures {
  readonly secrets: number;
  readonly regions: number;
  readonly seedSeconds: number;
  readonly wallSeconds: number;
  /** Secrets Manager calls the sweep made, by operation (all Regions). */
  readonly calls: Readonly<Record<string, number>>;
  readonly reads: number;
  readonly writes: number;
  /** Calls the local cloud answered with ThrottlingException (the SDK retried them). */
  readonly throttled: number;
  /** The function's execution environment: its peak resident memory (VmHWM), MiB. */
  readonly peakRssMiB: number | undefined;
  readonly boundSeconds: number;
  readonly binding: string;
  readonly report: Pick<SweepReport, 'checked' | 'inSync' | 'repaired' | 'failed'> & {
    readonly drift: number;
  };
}

/** The peak resident memory (MiB) of this process's child that runs `functionName`. */
const peakRssOfFunction = (functionName: string): number | undefined => {
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!environ.includes(`AWS_LAMBDA_FUNCTION_NAME=${functionName}`)) continue;
      const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return peak === null ? undefined : Number(peak[1]) / 1024;
    } catch {
      // A process that ended meanwhile, or one not ours to read.
    }
  }
  return undefined;
};

const databaseSecret = (index: number, host: string): string =>
  JSON.stringify({
    engine: 'postgres',
    host,
    port: 5432,
    username: `app_${index}`,
    password: `bench-sweep-${index}-3b7f`,
    dbname: 'app',
  });

/** Seeds `count` sources and their replicas in both recovery Regions, in memory. */
const seed = (harness: ReplicationHarness, count: number): void => {
  const cloud = harness.stack.cloud;
  const CHUNK = 5_000;
  for (let start = 0; start < count; start += CHUNK) {
    const indexes = Array.from({ length: Math.min(CHUNK, count - start) }, (_, i) => start + i);
    const names = indexes.map((index) => `${PREFIX}${String(index).padStart(6, '0')}`);
    const arns = cloud.seedSecrets(
      PRIMARY,
      indexes.map((index, i) => ({
        name: names[i] ?? '',
        secretString: databaseSecret(index, `db-${index % 100}.primary.bench.example`),
      })),
    );
    for (const region of REGIONS) {
      cloud.seedSecrets(
        region,
        indexes.map((index, i) => ({
          name: names[i] ?? '',
          secretString: databaseSecret(index, ENDPOINTS[region] ?? ''),
          tags: { 'rotasync:source-arn': arns[i] ?? '' },
        })),
      );
    }
  }
};

const quotaOf = (operation: string, scale: number): number =>
  (quotaGroupOf(operation)?.perSecond ?? Number.POSITIVE_INFINITY) * scale;

const READ = /^(List|Describe|Get|BatchGet)/;

/**
 * Sweeps `secrets` unchanged, replicated secrets once and measures it. Throws when the sweep
 * fails or finds drift (the figures are for a sweep that has nothing to do).
 */
export const measureSweepAtScale = async (
  secrets: number,
  options: SweepScaleOptions,
): Promise<SweepScaleFigures> => {
  const harness = await startReplicationHarness({
    recoveryRegions: [...REGIONS],
    params: {
      replicatedSecretPrefix: PREFIX,
      endpointOverrides: REGIONS.map((region) => `${region}=${ENDPOINTS[region]}:5432`).join(','),
    },
    ...(options.heapLimitMiB === undefined
      ? {}
      : { environment: { NODE_OPTIONS: `--max-old-space-size=${options.heapLimitMiB}` } }),
  });
  try {
    // A first, empty sweep starts the function's environment: its start is not the sweep's.
    await harness.reconcile({ dryRun: true });
    const seeded = performance.now();
    seed(harness, secrets);
    const seedSeconds = (performance.now() - seeded) / 1000;

    const cloud = harness.stack.cloud;
    cloud.faults.set({ latencyMs: options.latencyMs, requestQuota: { scale: options.quotaScale } });
    cloud.requestLog.clear();
    const started = performance.now();
    const report = await harness.reconcile({});
    const wallSeconds = (performance.now() - started) / 1000;
    const peakRssMiB = peakRssOfFunction('rotasync-local-reconcile');
    cloud.faults.clear();

    const entries = cloud.requestLog
      .entries()
      .filter((entry) => entry.service === 'secretsmanager' && entry.caller === 'local-reconcile');
    const calls: Record<string, number> = {};
    const byRegion = new Map<string, Record<string, number>>();
    for (const entry of entries) {
      calls[entry.operation] = (calls[entry.operation] ?? 0) + 1;
      const own = byRegion.get(entry.region) ?? {};
      own[entry.operation] = (own[entry.operation] ?? 0) + 1;
      byRegion.set(entry.region, own);
    }
    const throttled = entries.filter((entry) => entry.outcome === 'ThrottlingException').length;
    const reads = entries.filter((entry) => READ.test(entry.operation)).length;

    // The lower bound, and which constraint sets it. A quota's bucket starts full (one second's
    // worth), so the first second's calls are free of it.
    const latency = options.latencyMs / 1000;
    const bounds: [string, number][] = [];
    for (const [region, operations] of byRegion) {
      for (const [operation, count] of Object.entries(operations)) {
        const quota = quotaOf(operation, options.quotaScale);
        bounds.push([`${operation} quota in ${region}`, Math.max(0, count - quota) / quota]);
      }
      bounds.push([`ListSecrets chain in ${region}`, (operations.ListSecrets ?? 0) * latency]);
      bounds.push([
        `${READ_CONCURRENCY} batch reads in flight in ${region}`,
        ((operations.BatchGetSecretValue ?? 0) * latency) / READ_CONCURRENCY,
      ]);
    }
    const [binding, boundSeconds] = bounds.reduce((most, next) =>
      next[1] > most[1] ? next : most,
    );
    if (report.failed > 0 || report.drift.length > 0) {
      throw new Error(
        `the sweep of ${secrets} unchanged secrets reported ${JSON.stringify(report).slice(0, 500)}`,
      );
    }
    return {
      secrets,
      regions: REGIONS.length,
      seedSeconds,
      wallSeconds,
      calls,
      reads,
      writes: entries.length - reads,
      throttled,
      peakRssMiB,
      boundSeconds,
      binding,
      report: {
        checked: report.checked,
        inSync: report.inSync,
        repaired: report.repaired,
        failed: report.failed,
        drift: report.drift.length,
      },
    };
  } finally {
    await harness.stop();
  }
};
