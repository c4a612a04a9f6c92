/**
 * A step's time budget: the Lambda's remaining time minus a safety margin, so a step fails with
 * a clear StepTimeoutError instead of being killed by the Lambda timeout mid-way.
 */
import { type ErrorWhere, StepTimeoutError } from './errors.js';

/** Milliseconds left before the step must give up. */
export interface Deadline {
  remainingMs(): number;
}

/**
 * A deadline `marginMs` before the Lambda's own timeout.
 *
 * @example
 * const deadline = deadlineBefore(() => context.getRemainingTimeInMillis(), 2000);
 */
export const deadlineBefore = (lambdaRemainingMs: () => number, marginMs: number): Deadline => ({
  remainingMs: () => lambdaRemainingMs() - marginMs,
});

/** Throws StepTimeoutError when the budget is spent; returns the milliseconds left otherwise. */
export const ensureTimeLeft = (deadline: Deadline, doing: string, where: ErrorWhere): number => {
  const left = deadline.remainingMs();
  if (left <= 0) throw new StepTimeoutError(`gave up before ${doing}: time budget spent`, where);
  return left;
};

/**
 * Settles like `work`, or rejects with StepTimeoutError when the budget runs out first; a late
 * result is handed to `discard` (e.g. to close a session nobody will use).
 */
export const withinDeadline = async <T>(
  work: Promise<T>,
  deadline: Deadline,
  doing: string,
  where: ErrorWhere,
  discard: (late: T) => void = () => undefined,
): Promise<T> => {
  const left = ensureTimeLeft(deadline, doing, where);
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new StepTimeoutError(`gave up ${doing}: time budget spent`, where));
    }, left);
  });
  work.then(
    (late) => {
      if (timedOut) discard(late);
    },
    () => undefined,
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};
