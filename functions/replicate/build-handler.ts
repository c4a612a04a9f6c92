/**
 * The replicate function's middleware chain, apart from handler.ts so tests can run the whole
 * chain with fake dependencies.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  type ParsedSecretChangeEvent,
  parseSecretChangeEvent,
} from '#shared/inputs/secret-change-event.js';
import type { KnownValues } from '#shared/known-values.js';
import type { RotasyncMetrics } from '#shared/metrics.js';
import { errorBoundary } from '#shared/middleware/error-boundary.js';
import { parseEvent } from '#shared/middleware/parse-event.js';
import {
  type ReplicateDeps,
  type ReplicationReport,
  replicateSecret,
} from '#shared/replication/replicate-secret.js';
import { isUnderPrefix, OUTSIDE_PREFIX_REASON } from '#shared/replication/secret-prefix.js';
import { replicationMetrics } from './replication-metrics.js';

/** What the chain is built from. */
export interface ReplicateHandlerParts {
  readonly deps: ReplicateDeps;
  readonly logger: Logger;
  readonly knownValues: KnownValues;
  /** Where ReplicationLag and ReplicationFailed go. */
  readonly metrics: Pick<RotasyncMetrics, 'replicaWritten' | 'replicationFailed'>;
}

/**
 * The replicate handler: parse the EventBridge event (InvalidEventError before any AWS call),
 * ignore a secret outside the replicated-secret prefix (no AWS call), replicate from the event's
 * Region, log the report (ids and outcomes only), record each Region's lag or failure as
 * metrics, and let ReplicationFailedError through so Lambda retries and then dead-letters the
 * event.
 */
export const buildReplicateHandler = ({
  deps,
  logger,
  knownValues,
  metrics,
}: ReplicateHandlerParts) =>
  middy<ParsedSecretChangeEvent, ReplicationReport | undefined>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(
      parseEvent({
        parse: parseSecretChangeEvent,
        logKeys: (event) =>
          event.outcome === 'change'
            ? { secretId: event.secretId, change: event.kind, region: event.region }
            : { ignored: event.reason },
        logger,
        where: (event) =>
          event.outcome === 'change' ? { secretId: event.secretId, step: 'replicate' } : undefined,
      }),
    )
    .use(replicationMetrics({ metrics }))
    .use(errorBoundary({ logger, knownValues }))
    .handler(async (event) => {
      if (event.outcome === 'ignored') {
        logger.info('event needs no replication', { reason: event.reason });
        return undefined;
      }
      // The rules match every secret in the Region; the roles only those under the prefix.
      if (!isUnderPrefix(event.secretId, deps.config.replicatedSecretPrefix)) {
        logger.info('event needs no replication', { reason: OUTSIDE_PREFIX_REASON });
        return undefined;
      }
      const report = await replicateSecret(
        { secretId: event.secretId, sourceRegion: event.region, kind: event.kind },
        deps,
      );
      logger.info('replication finished', { report });
      return report;
    });
