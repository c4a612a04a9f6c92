/**
 * The reconcile function's middleware chain, apart from handler.ts so tests can run the whole
 * chain with fake dependencies.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { deadlineBefore } from '#shared/deadline.js';
import { InvalidEventError, SweepIncompleteError } from '#shared/errors.js';
import type { KnownValues } from '#shared/known-values.js';
import type { RotasyncMetrics } from '#shared/metrics.js';
import { errorBoundary } from '#shared/middleware/error-boundary.js';
import type { ContinueSweep } from './continue-sweep.js';
import { type ReconcileDeps, type ReconcileReport, reconcile } from './reconcile.js';
import { MAX_PARTS, parseSweepCursor, type SweepCursor } from './sweep-cursor.js';
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
  /** How long before the Lambda timeout a part stops starting new work (ms). */
  readonly reserveMs: number;
  /** Starts the next part of a sweep that outgrew this invocation. */
  readonly continueSweep: ContinueSweep;
}

/**
 * The input: `{ "dryRun": true }` only reports; anything else also repairs. A part after the
 * first also carries `continuation`, the cursor the part before it returned.
 */
export type ReconcileEvent = {
  readonly dryRun?: unknown;
  readonly continuation?: unknown;
} | null;

const parseInput = (
  event: ReconcileEvent,
): { readonly dryRun: boolean; readonly resumeFrom?: SweepCursor } => {
  if (event !== null && (typeof event !== 'object' || Array.isArray(event))) {
    throw new InvalidEventError('event', 'the reconcile input is not an object', {
      step: 'reconcile',
    });
  }
  const dryRun = event?.dryRun === true;
  return event?.continuation === undefined
    ? { dryRun }
    : { dryRun, resumeFrom: parseSweepCursor(event.continuation) };
};

/**
 * The reconcile handler: one error boundary, then the sweep of `region` (or its next part); the
 * report is logged (ids and outcomes only) and returned. A sweep that reaches its deadline hands
 * over to its next part, an asynchronous invocation of this function with the cursor; when that
 * fails, or after MAX_PARTS parts, it throws SweepIncompleteError after logging what it did.
 *
 * @example
 * export const handler = buildReconcileHandler({ deps, region, logger, knownValues, metrics,
 *   reserveMs: 60_000, continueSweep: lambdaContinueSweep() });
 */
export const buildReconcileHandler = ({
  deps,
  region,
  logger,
  knownValues,
  metrics,
  reserveMs,
  continueSweep,
}: ReconcileHandlerParts) =>
  middy<ReconcileEvent, ReconcileReport>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(sweepMetrics({ metrics }))
    .use(errorBoundary({ logger, knownValues, where: { step: 'reconcile' } }))
    .handler(async (event, context) => {
      const input = parseInput(event);
      const report = await reconcile(
        region,
        {
          ...input,
          deadline: deadlineBefore(() => context.getRemainingTimeInMillis(), reserveMs),
        },
        deps,
      );
      const next = report.continuation;
      if (next === undefined) {
        logger.info('reconcile finished', { report });
        return report;
      }
      logger.info('reconcile part finished; the sweep continues', { report });
      if (next.part > MAX_PARTS) {
        throw new SweepIncompleteError(
          `sweep ${next.id} did not finish within ${MAX_PARTS} parts; the next scheduled sweep starts over`,
        );
      }
      try {
        await continueSweep(context.invokedFunctionArn, {
          dryRun: input.dryRun,
          continuation: next,
        });
      } catch (error) {
        throw new SweepIncompleteError(
          `sweep ${next.id} could not start part ${next.part}; the next scheduled sweep starts over`,
          { cause: error },
        );
      }
      return report;
    });
