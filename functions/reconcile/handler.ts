/**
 * The reconcile Lambda, run on a schedule (input `{ "dryRun": true }` to only report). Wiring
 * only; the sweep's Region is the function's own (AWS_REGION). ROTASYNC_RECONCILE_WRITES_PER_SECOND
 * (default 10) paces its write calls.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { RdsApiDirectory } from '#shared/aws/rds-api-directory.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { secretsManagerStores } from '#shared/aws/secrets-manager-store.js';
import { ConfigurationError } from '#shared/errors.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { errorBoundary } from '#shared/middleware/error-boundary.js';
import { loadReplicationConfig } from '#shared/replication/config.js';
import { type ReconcileReport, reconcile } from './reconcile.js';
import { TokenBucket } from './token-bucket.js';

const knownValues = new KnownValues();
const stores = secretsManagerStores();
const region = process.env.AWS_REGION ?? '';
const writesPerSecond = Number(process.env.ROTASYNC_RECONCILE_WRITES_PER_SECOND ?? '10');
if (region === '' || !(writesPerSecond > 0)) {
  throw new ConfigurationError(
    'AWS_REGION and a positive ROTASYNC_RECONCILE_WRITES_PER_SECOND are required',
  );
}
const deps = {
  store: (region?: string) => rememberingStore(stores(region), knownValues),
  rds: new RdsApiDirectory(),
  config: loadReplicationConfig(process.env),
  writeBucket: new TokenBucket(writesPerSecond),
};

/** The Lambda entry point (functions/reconcile/handler.handler). */
export const handler = middy<{ readonly dryRun?: unknown } | null, ReconcileReport>()
  .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
  .use(errorBoundary({ logger, knownValues }))
  .handler(async (event) => {
    const report = await reconcile(region, { dryRun: event?.dryRun === true }, deps);
    logger.info('reconcile finished', { report });
    return report;
  });
