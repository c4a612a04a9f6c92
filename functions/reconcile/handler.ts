/**
 * The reconcile Lambda, run on a schedule (input `{ "dryRun": true }` to only report). Wiring
 * only: clients are made once per container and reused while it is warm; endpoints come from
 * the SDK's AWS_ENDPOINT_URL_SECRETS_MANAGER / _RDS / _LAMBDA (the hand-over to a sweep's next
 * part).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lazyRdsDirectory } from '#shared/aws/lazy-rds-directory.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { secretsManagerStores } from '#shared/aws/secrets-manager-store.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { emfMetrics } from '#shared/metrics.js';
import { loadReplicationConfig } from '#shared/replication/config.js';
import { buildReconcileHandler } from './build-handler.js';
import { readReconcileConfig } from './config.js';
import { lambdaContinueSweep } from './continue-sweep.js';
import { rateLimitReads } from './rate-limited-store.js';
import { TokenBucket } from './token-bucket.js';

const { region, writesPerSecond, readsPerSecond, reserveSeconds } = readReconcileConfig(
  process.env,
);
const knownValues = new KnownValues();
// Reads paced per Region below the service's ListSecrets and BatchGetSecretValue quotas.
const stores = rateLimitReads(secretsManagerStores(), readsPerSecond);

/** The Lambda entry point (functions/reconcile/handler.handler). */
export const handler = buildReconcileHandler({
  deps: {
    store: (storeRegion) => rememberingStore(stores(storeRegion), knownValues),
    rds: lazyRdsDirectory(),
    config: loadReplicationConfig(process.env),
    writeBucket: new TokenBucket(writesPerSecond),
  },
  region,
  logger,
  knownValues,
  metrics: emfMetrics(new Metrics()),
  reserveMs: reserveSeconds * 1000,
  continueSweep: lambdaContinueSweep(),
});
