/**
 * A replication stack for tests and benchmarks: the local stack with a primary and recovery
 * Regions, the local RDS describing the databases of those Regions, the project's real
 * `replicate` and `reconcile` functions (from serverless.yml, in their own execution
 * environments) and a Secrets Manager client per Region for the caller. Also
 * `measureSweepReads`, the sweep-cost measurement of the integration tests (`npm run bench`
 * measures the sweep at scale with bench/sweep-at-scale.ts).
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { mapWithConcurrency } from '#shared/replication/concurrency.js';
import {
  createLocalRds,
  type LocalRds,
  type LocalRdsInstanceConfig,
  rdsServices,
} from './rds/index.js';
import { type LocalEventOptions, type LocalStack, startLocalStack } from './stack.js';

/** The Regions of every replication test: one primary, two recovery Regions. */
export const PRIMARY = 'us-east-1';
export const WEST = 'us-west-2';
export const EUROPE = 'eu-central-1';

/** The account of the local cloud (its default), needed for RDS ARNs before it starts. */
export const ACCOUNT_ID = '123456789012';

/** An RDS instance ARN in the local account. */
export const dbArn = (region: string, identifier: string): string =>
  `arn:aws:rds:${region}:${ACCOUNT_ID}:db:${identifier}`;

/** What a replica looks like to a test. */
export interface SecretView {
  readonly versionId: string;
  readonly value: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly deleted: boolean;
}

export interface ReplicationHarnessOptions {
  readonly recoveryRegions?: readonly string[];
  /** RDS instances of the local RDS (every Region). */
  readonly rdsInstances?: readonly LocalRdsInstanceConfig[];
  /** A local RDS built by the caller (e.g. over real servers); wins over `rdsInstances`. */
  readonly rds?: LocalRds;
  /** Regions whose changes reach the event rules (see LocalStackOptions); the primary alone. */
  readonly eventRegions?: readonly string[];
  /** Event delivery knobs; events are off when absent. */
  readonly events?: LocalEventOptions;
  readonly params?: Readonly<Record<string, string>>;
  readonly environment?: Readonly<Record<string, string>>;
  readonly functionConcurrency?: number;
}

export interface ReplicationHarness {
  readonly stack: LocalStack;
  /** Every line the functions printed so far. */
  readonly functionOutput: string[];
  /** The test's client in a Region (no SDK retries: injected faults must show). */
  sm(region?: string): SecretsManagerClient;
  /** Creates a secret in the primary Region; resolves its ARN. */
  createSecret(
    name: string,
    value: string,
    tags?: Readonly<Record<string, string>>,
  ): Promise<string>;
  /** PutSecretValue in the primary Region; resolves the new version id. */
  putValue(secretId: string, value: string): Promise<string>;
  /** The secret's AWSCURRENT and metadata in a Region; `undefined` when it does not exist. */
  view(region: string, secretId: string): Promise<SecretView | undefined>;
  /** Invokes `reconcile` in the primary Region; resolves its report. */
  reconcile(payload?: unknown): Promise<SweepReport>;
  stop(): Promise<void>;
}

/** The reconcile function's report, as tests read it. */
export interface SweepReport {
  readonly checked: number;
  readonly inSync: number;
  readonly repaired: number;
  readonly failed: number;
  readonly dryRun: boolean;
  readonly drift: readonly {
    readonly secret: string;
    readonly region: string;
    readonly reason: string;
    readonly repaired: boolean;
    readonly error?: string;
  }[];
  readonly errors: readonly { readonly secret: string; readonly error: string }[];
  /** Present when the sweep handed over to its next part (see functions/reconcile). */
  readonly continuation?: { readonly id: string; readonly part: number };
  /** Present for a sweep of several parts: this part and every part's counts so far. */
  readonly sweep?: {
    readonly id: string;
    readonly part: number;
    readonly totals: Readonly<
      Record<'checked' | 'inSync' | 'repaired' | 'failed' | 'drift', number>
    >;
  };
}

const toTags = (tags: Readonly<Record<string, string>>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Starts the stack with the local RDS and per-Region clients. */
export const startReplicationHarness = async (
  options: ReplicationHarnessOptions = {},
): Promise<ReplicationHarness> => {
  const functionOutput: string[] = [];
  const rds =
    options.rds ?? createLocalRds({ accountId: ACCOUNT_ID, instances: options.rdsInstances ?? [] });
  const stack = await startLocalStack({
    region: PRIMARY,
    recoveryRegions: options.recoveryRegions ?? [WEST, EUROPE],
    extraServices: rdsServices(rds),
    ...(options.eventRegions ? { eventRegions: options.eventRegions } : {}),
    onFunctionOutput: (_name, line) => functionOutput.push(line),
    ...(options.events ? { events: options.events } : {}),
    ...(options.params ? { params: options.params } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.functionConcurrency ? { functionConcurrency: options.functionConcurrency } : {}),
  });
  if (stack.cloud.accountId !== ACCOUNT_ID) throw new Error('unexpected local account id');
  const clients = new Map<string, SecretsManagerClient>();
  const sm = (region = PRIMARY): SecretsManagerClient => {
    const known = clients.get(region);
    if (known) return known;
    const client = new SecretsManagerClient({
      endpoint: stack.cloud.endpoint,
      region,
      maxAttempts: 1,
      // The local cloud checks the SigV4 scope, not the keys; bench/ runs without AWS_* set.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    clients.set(region, client);
    return client;
  };
  return {
    stack,
    functionOutput,
    sm,
    createSecret: async (name, value, tags = {}) => {
      const created = await sm().send(
        new CreateSecretCommand({ Name: name, SecretString: value, Tags: toTags(tags) }),
      );
      return created.ARN ?? name;
    },
    putValue: async (secretId, value) => {
      const put = await sm().send(
        new PutSecretValueCommand({ SecretId: secretId, SecretString: value }),
      );
      return put.VersionId ?? '';
    },
    view: async (region, secretId) => {
      try {
        const described = await sm(region).send(new DescribeSecretCommand({ SecretId: secretId }));
        const tags = Object.fromEntries(
          (described.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']),
        );
        const deleted = described.DeletedDate !== undefined;
        if (deleted) return { versionId: '', value: '', tags, deleted };
        const read = await sm(region).send(new GetSecretValueCommand({ SecretId: secretId }));
        return { versionId: read.VersionId ?? '', value: read.SecretString ?? '', tags, deleted };
      } catch (error) {
        if ((error as Error).name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
    reconcile: async (payload = {}) => (await stack.invoke('reconcile', payload)) as SweepReport,
    stop: async () => {
      for (const client of clients.values()) client.destroy();
      await stack.stop();
    },
  };
};

/** What one sweep over unchanged secrets cost, per operation, counted in the request log. */
export interface SweepReadCounts {
  readonly secretCount: number;
  readonly regionCount: number;
  /** Every Secrets Manager call of the sweep, by operation (ListSecrets, BatchGetSecretValue...). */
  readonly byOperation: Readonly<Record<string, number>>;
  /** Calls that read (List, Describe, Get, BatchGet). */
  readonly reads: number;
  /** Calls that wrote (must be 0: nothing drifted). */
  readonly writes: number;
  /** Of the reads, BatchGetSecretValue calls (about N/20 + N·R/20). */
  readonly batchReads: number;
  readonly report: SweepReport;
}

const READ_OPERATION = /^(List|Describe|Get|BatchGet)/;

/**
 * Measures the read cost of the `reconcile` sweep over `secretCount` unchanged secrets in the
 * primary Region, each already replicated (in sync) to `regionCount` recovery Regions: starts a
 * local stack, seeds sources and replicas through the API, clears the request log, invokes the
 * real reconcile function once and counts its Secrets Manager calls.
 */
export const measureSweepReads = async (
  secretCount: number,
  regionCount: number,
): Promise<SweepReadCounts> => {
  const regions = [WEST, EUROPE, 'ap-southeast-2', 'sa-east-1', 'ca-central-1'].slice(
    0,
    regionCount,
  );
  if (regions.length !== regionCount) throw new RangeError('regionCount must be from 1 to 5');
  const harness = await startReplicationHarness({ recoveryRegions: regions });
  try {
    const indexes = Array.from({ length: secretCount }, (_, index) => index);
    await mapWithConcurrency(indexes, 16, async (index) => {
      const name = `bench/sweep/${String(index).padStart(5, '0')}`;
      const value = JSON.stringify({ index, token: `value-${index}` });
      const created = await harness
        .sm()
        .send(new CreateSecretCommand({ Name: name, SecretString: value }));
      const source = await harness.sm().send(new GetSecretValueCommand({ SecretId: name }));
      for (const region of regions) {
        await harness.sm(region).send(
          new CreateSecretCommand({
            Name: name,
            SecretString: value,
            Tags: toTags({
              'rotasync:source-arn': created.ARN ?? '',
              'rotasync:source-version': source.VersionId ?? '',
              'rotasync:source-version-date': (source.CreatedDate ?? new Date()).toISOString(),
            }),
          }),
        );
      }
    });
    harness.stack.cloud.requestLog.clear();
    const report = await harness.reconcile({});
    const entries = harness.stack.cloud.requestLog
      .entries()
      .filter((entry) => entry.service === 'secretsmanager');
    const byOperation: Record<string, number> = {};
    for (const entry of entries) {
      byOperation[entry.operation] = (byOperation[entry.operation] ?? 0) + 1;
    }
    const reads = entries.filter((entry) => READ_OPERATION.test(entry.operation)).length;
    return {
      secretCount,
      regionCount,
      byOperation,
      reads,
      writes: entries.length - reads,
      batchReads: byOperation.BatchGetSecretValue ?? 0,
      report,
    };
  } finally {
    await harness.stop();
  }
};
