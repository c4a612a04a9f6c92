/**
 * Hostile input for replication: EventBridge events into the replicate handler chain, and the
 * source's `rotasync:replicate-to` and `rotasync:endpoint:<region>` tags. The source and its
 * replicas live in the in-memory FakeSecretsManager, which records every write by Region.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { buildReplicateHandler } from '#functions/replicate/build-handler.js';
import { parseSecretChangeEvent } from '#shared/inputs/secret-change-event.js';
import { KnownValues } from '#shared/known-values.js';
import { replicateSecret } from '#shared/replication/replicate-secret.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';
import { RecordingMetrics } from '#test/fakes/recording-metrics.js';
import { CANARY, config, dbSecret, SOURCE_REGION } from '#test/fakes/replication-fixtures.js';
import { lambdaContext } from '#test/helpers/lambda-context.js';
import { brokenVersionOf, hostileString, mutatedJson } from './arbitraries.js';
import { firstOf, type HostileInputTarget, leaked, untyped } from './target.js';

const SOURCE_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-db-AbCdEf';
const SOURCE_NAME = 'prod/app-db';
const REPLICA_REGIONS = ['eu-west-1', 'us-west-2'];
const silentLogger = new Logger({ serviceName: 'rotasync', logLevel: 'SILENT' });
const context = lambdaContext('rotasync-harness-replicate');

/** The sample events of every shape the replicate function takes (events/replicate-*.json). */
const SAMPLE_EVENTS: readonly Record<string, unknown>[] = (() => {
  const folder = new URL('../../../events/', import.meta.url);
  return readdirSync(folder)
    .filter((file) => file.startsWith('replicate-') && file.endsWith('.json'))
    .sort()
    .map(
      (file) => JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as Record<string, unknown>,
    );
})();

/** The source, tagged to replicate to both Regions (`tags` add to or override that tag). */
const seededSource = (tags: Record<string, string> = {}): FakeSecretsManager => {
  const fake = new FakeSecretsManager(7);
  fake.seed(SOURCE_REGION, {
    arn: SOURCE_ARN,
    name: SOURCE_NAME,
    value: dbSecret('app', CANARY),
    tags: { 'rotasync:replicate-to': REPLICA_REGIONS.join(','), ...tags },
  });
  return fake;
};

const deps = (fake: FakeSecretsManager) => ({
  store: fake.store,
  rds: new FakeRds(REPLICA_REGIONS),
  // Deletes replicate, and a default Region is set: the most a hostile event could reach.
  config: config({ replicateDeletes: true, defaultRegions: REPLICA_REGIONS }),
});

const KINDS = new Set<unknown>([
  'value-changed',
  'metadata-changed',
  'deleted',
  'restored',
  'created',
  'rotation-succeeded',
]);

/** The parser's own contract: a typed error, or a result whose every field has its type. */
const parsedContract = (input: unknown): string | undefined => {
  let parsed: ReturnType<typeof parseSecretChangeEvent>;
  try {
    parsed = parseSecretChangeEvent(input);
  } catch (error) {
    return untyped(error, ['InvalidEventError']);
  }
  if (parsed.outcome === 'ignored') {
    return typeof parsed.reason === 'string' ? undefined : 'an ignored event without a reason';
  }
  const strings = [parsed.secretId, parsed.region, parsed.time, parsed.versionId ?? ''];
  if (!KINDS.has(parsed.kind))
    return `the parser returned kind ${String(parsed.kind).slice(0, 80)}`;
  return strings.every((value) => typeof value === 'string' && /^[\x20-\x7e]*$/.test(value))
    ? undefined
    : 'the parser returned a field that is not printable text';
};

/** EventBridge events: every sample shape mutated at 1..3 paths, and non-events. */
export const replicationEvents: HostileInputTarget<unknown> = {
  name: 'replication events',
  description: 'the replicate handler chain on EventBridge shapes, source in sync, deletes on',
  arbitrary: fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...SAMPLE_EVENTS)
        .chain((sample) => mutatedJson(sample, { max: 3 }))
        .map(({ value }) => value),
    },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: hostileString },
  ),
  runs: { reduced: 500, full: 10000 },
  open: async () => ({
    check: async (input) => {
      // Replicated to both Regions first: any event for it then finds nothing to write.
      const fake = seededSource();
      await replicateSecret({ secretId: SOURCE_NAME, sourceRegion: SOURCE_REGION }, deps(fake));
      fake.calls.length = 0;
      const knownValues = new KnownValues();
      const handler = buildReplicateHandler({
        deps: deps(fake),
        logger: silentLogger,
        knownValues,
        metrics: new RecordingMetrics(),
      });
      const contract = parsedContract(input);
      if (contract !== undefined) return contract;
      let outcome: unknown;
      try {
        outcome = await handler(input as never, context);
      } catch (error) {
        return firstOf(
          untyped(error),
          fake.writes().length > 0 ? 'a refused event wrote a replica' : undefined,
          leaked([String((error as Error).message)], [CANARY]),
        );
      }
      // Accepted (or ignored): the source is in sync and alive, so nothing may be written.
      const writes = fake.writes();
      return firstOf(
        writes.length > 0
          ? `an event about an in-sync, live source wrote ${writes[0]?.operation ?? ''} in ${writes[0]?.region ?? ''}`
          : undefined,
        leaked([JSON.stringify(outcome) ?? ''], [CANARY]),
      );
    },
    close: async () => undefined,
  }),
};

/** A `rotasync:replicate-to` value that is never a Region list: a clean one with breakers in it. */
const brokenRegionList = fc
  .constantFrom('eu-west-1', 'eu-west-1,us-west-2', 'none', ' us-west-2 , eu-west-1 ')
  .chain((clean) => brokenVersionOf(clean, /^[a-z0-9,-]+$/));

/** The source's `rotasync:replicate-to` tag: malformed means ConfigurationError and no write. */
export const replicateToTags: HostileInputTarget<string> = {
  name: 'replicate-to tags',
  description: 'replicateSecret for a new source whose rotasync:replicate-to is malformed',
  arbitrary: brokenRegionList,
  runs: { reduced: 400, full: 20000 },
  open: async () => ({
    check: async (tag) => {
      const fake = seededSource({ 'rotasync:replicate-to': tag });
      try {
        await replicateSecret({ secretId: SOURCE_NAME, sourceRegion: SOURCE_REGION }, deps(fake));
      } catch (error) {
        return firstOf(
          untyped(error, ['ConfigurationError']),
          fake.writes().length > 0 ? 'a malformed tag still wrote a replica' : undefined,
        );
      }
      return `replicate-to ${JSON.stringify(tag)} was accepted`;
    },
    close: async () => undefined,
  }),
};

/** A `rotasync:endpoint:<region>` value that is never host:port. */
const brokenEndpoint = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('db.example.com:5432', 'replica-1:6432')
      .chain((clean) => brokenVersionOf(clean, /^[A-Za-z0-9.:-]+$/)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ':5432', 'db:0', 'db:65536', 'db', '-db:5432', 'db.:5432'),
  },
);

/**
 * The source's endpoint tag for eu-west-1: that Region fails with a typed error and gets no
 * write; us-west-2, untagged, is replicated as usual.
 */
export const endpointTags: HostileInputTarget<string> = {
  name: 'endpoint tags',
  description: 'replicateSecret for a new source whose rotasync:endpoint:eu-west-1 is malformed',
  arbitrary: brokenEndpoint,
  runs: { reduced: 400, full: 20000 },
  open: async () => ({
    check: async (tag) => {
      const fake = seededSource({ 'rotasync:endpoint:eu-west-1': tag });
      try {
        await replicateSecret({ secretId: SOURCE_NAME, sourceRegion: SOURCE_REGION }, deps(fake));
      } catch (error) {
        const regions = (
          error as { report?: { regions?: { region: string; status: string; error?: string }[] } }
        ).report?.regions;
        const europe = regions?.find((result) => result.region === 'eu-west-1');
        return firstOf(
          untyped(error, ['ReplicationFailedError']),
          fake.writes('eu-west-1').length > 0
            ? 'a malformed endpoint tag still wrote there'
            : undefined,
          europe?.status !== 'failed' || !europe.error?.includes('ConfigurationError')
            ? 'eu-west-1 did not fail with ConfigurationError'
            : undefined,
          fake.exists('us-west-2', SOURCE_NAME) ? undefined : 'the untagged Region was held back',
          leaked([String((error as Error).message)], [CANARY]),
        );
      }
      return `endpoint ${JSON.stringify(tag)} was accepted`;
    },
    close: async () => undefined,
  }),
};
