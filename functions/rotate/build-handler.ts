/**
 * The rotation function's middleware chain, separate from handler.ts so tests can run the whole
 * chain with fake dependencies.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { deadlineBefore } from '#shared/deadline.js';
import { parseRotationEvent, type RotationEvent } from '#shared/inputs/rotation-event.js';
import type { KnownValues } from '#shared/known-values.js';
import type { RotasyncMetrics } from '#shared/metrics.js';
import { errorBoundary } from '#shared/middleware/error-boundary.js';
import { parseEvent } from '#shared/middleware/parse-event.js';
import { type RotateDeps, whereOf } from './deps.js';
import { type RotationOutcome, rotate } from './rotate.js';
import { stepMetrics } from './step-metrics.js';

/** What the chain is built from. */
export interface RotateHandlerParts {
  readonly deps: RotateDeps;
  readonly logger: Logger;
  /** Filled by the store wrapper (rememberingStore), scrubbed from errors by the boundary. */
  readonly knownValues: KnownValues;
  /** Where RotationStepDuration, RotationStepFailed and RotationSucceeded go. */
  readonly metrics: Pick<RotasyncMetrics, 'rotationStep' | 'rotationSucceeded'>;
  /** A step gives up this long before the Lambda's own timeout. */
  readonly timeoutMarginMs: number;
}

/**
 * The rotation handler: Lambda context on the logger, the event parsed before any AWS call, the
 * step's metrics, one error boundary, then the gate and the step. It resolves the step's
 * outcome, which Secrets Manager ignores.
 *
 * @example
 * export const handler = buildRotateHandler({ deps, logger, knownValues, metrics, timeoutMarginMs: 2000 });
 */
export const buildRotateHandler = ({
  deps,
  logger,
  knownValues,
  metrics,
  timeoutMarginMs,
}: RotateHandlerParts) =>
  middy<RotationEvent, RotationOutcome>()
    // logEvent off whatever POWERTOOLS_LOGGER_LOG_EVENT says: the event carries a RotationToken.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(
      parseEvent({
        parse: parseRotationEvent,
        logKeys: (event) => ({
          secretId: event.SecretId,
          step: event.Step,
          token: event.ClientRequestToken,
        }),
        logger,
        where: whereOf,
      }),
    )
    .use(stepMetrics({ metrics }))
    // Registered last so its onError runs first, before Powertools resets the log keys.
    .use(errorBoundary({ logger, knownValues }))
    .handler((event, context) =>
      rotate(
        event,
        deps,
        deadlineBefore(() => context.getRemainingTimeInMillis(), timeoutMarginMs),
      ),
    );
