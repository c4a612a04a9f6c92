/**
 * The reconcile function's middleware chain, apart from handler.ts so tests can run the whole
 * chain with fake dependencies.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { KnownValues } from '#shared/known-values.js';
import type { RotasyncMetrics } from '#shared/metrics.js';
import { errorBoundary } from '#shared/middleware/error-boundary.js';
import { type ReconcileDeps, type ReconcileReport, reconcile } from './reconcile.js';
import { sweepMetrics } from './sweep-metrics.js';

/** What the chain is built from. */
export interface ReconcileHandlerParts {
  readonly deps: ReconcileDeps;
  /** The Region swept (the function's own). */
  readonly region: string;
  readonly logger: Logger;
  readonly knownValues: KnownValues;
  /** Where ReconcileDrift, ReconcileRepaired and ReconcileFailed go. */
  readonly metrics: Pick<RotasyncMetrics, 'sweepFinished'>;
}

/** The scheduled input: `{ "dryRun": true }` only reports; anything else also repairs. */
export type ReconcileEvent = { readonly dryRun?: unknown } | null;

/**
 * The reconcile handler: one error boundary, then the sweep of `region`; the report is logged
 * (ids and outcomes only) and returned.
 *
 * @example
 * export const handler = buildReconcileHandler({ deps, region, logger, knownValues });
 */
export const buildReconcileHandler = ({
  deps,
  region,
  logger,
  knownValues,
  metrics,
}: ReconcileHandlerParts) =>
  middy<ReconcileEvent, ReconcileReport>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(sweepMetrics({ metrics }))
    .use(errorBoundary({ logger, knownValues, where: { step: 'reconcile' } }))
    .handler(async (event) => {
      const report = await reconcile(region, { dryRun: event?.dryRun === true }, deps);
      logger.info('reconcile finished', { report });
      return report;
    });
