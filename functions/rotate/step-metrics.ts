/**
 * The rotation function's metrics, as middleware around the step: RotationStepDuration (Step,
 * Outcome) for every step invocation, RotationStepFailed (Step) when it throws and
 * RotationSucceeded when finishSecret moved AWSCURRENT. The steps themselves never see a metric.
 */
import type { MiddlewareObj } from '@middy/core';
import type { RotationEvent, RotationStep } from '#shared/inputs/rotation-event.js';
import type { RotasyncMetrics } from '#shared/metrics.js';
import type { RotationOutcome } from './rotate.js';

/** Options of {@link stepMetrics}; `now` (milliseconds) is injectable for tests. */
export interface StepMetricsOptions {
  readonly metrics: Pick<RotasyncMetrics, 'rotationStep' | 'rotationSucceeded'>;
  readonly now?: () => number;
}

const STARTED = 'rotasync:step-started';

interface Started {
  readonly step: RotationStep;
  readonly at: number;
}

/**
 * Register it after parseEvent, so it measures only events that named a valid step (an invalid
 * event is no step: the function's Errors alarm counts it), and before the error boundary.
 *
 * @example
 * middy().use(parseEvent(…)).use(stepMetrics({ metrics })).use(errorBoundary(…))
 */
export const stepMetrics = ({
  metrics,
  now = () => performance.now(),
}: StepMetricsOptions): MiddlewareObj<RotationEvent, RotationOutcome> => {
  const startedOf = (request: { readonly internal: Record<string, unknown> }) =>
    request.internal[STARTED] as Started | undefined;
  return {
    before: (request): void => {
      const internal: Record<string, unknown> = request.internal;
      internal[STARTED] = { step: request.event.Step, at: now() } satisfies Started;
    },
    after: (request): void => {
      const started = startedOf(request);
      if (started === undefined) return;
      metrics.rotationStep(started.step, 'success', now() - started.at);
      if (request.response === 'promoted') metrics.rotationSucceeded();
    },
    onError: (request): void => {
      const started = startedOf(request);
      if (started === undefined) return;
      metrics.rotationStep(started.step, 'failure', now() - started.at);
    },
  };
};
