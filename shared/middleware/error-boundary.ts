/**
 * The one place a failed invocation is logged: once, with name, message and where, and with
 * every known secret value scrubbed from the error (and its causes) first. Every error leaves
 * naming where it happened: a RotasyncError thrown deep down (an engine, an adapter) gets the
 * invocation's secret and step filled in, any other error is wrapped in a StepFailedError. The
 * error is then rethrown, so Secrets Manager records the step as failed and retries the rotation.
 */
import type { MiddlewareObj } from '@middy/core';
import { type ErrorWhere, RotasyncError, StepFailedError } from '#shared/errors.js';
import type { KnownValues } from '#shared/known-values.js';

/** What the boundary needs of a logger. */
export interface ErrorLogger {
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Options of {@link errorBoundary}. */
export interface ErrorBoundaryOptions {
  readonly logger: ErrorLogger;
  /** Values seen this invocation; forgotten when the next one starts. */
  readonly knownValues: KnownValues;
  /**
   * Where every invocation's errors happen when its event names nothing more (reconcile:
   * `{ step: 'reconcile' }`). What parseEvent learnt from a valid event comes first.
   */
  readonly where?: ErrorWhere;
}

/** The `request.internal` key under which parseEvent leaves where the invocation happens. */
const WHERE_KEY = 'rotasync:where';

/**
 * Records where this invocation's errors happen (its secret and step), for the boundary; only
 * ever from a validated event, so a hostile field is never echoed into an error.
 */
export const rememberWhere = (
  request: { readonly internal: Record<string, unknown> },
  where: ErrorWhere,
): void => {
  request.internal[WHERE_KEY] = where;
};

const rememberedWhere = (request: {
  readonly internal: Record<string, unknown>;
}): ErrorWhere | undefined => request.internal[WHERE_KEY] as ErrorWhere | undefined;

const MAX_CAUSES = 5;

/** Redacts known values from an error's message and stack, and from its chain of causes. */
const scrub = (error: Error, knownValues: KnownValues, depth = 0): void => {
  error.message = knownValues.redact(error.message);
  if (error.stack !== undefined) error.stack = knownValues.redact(error.stack);
  const { cause } = error;
  if (cause === undefined) return;
  if (cause instanceof Error && depth < MAX_CAUSES) {
    scrub(cause, knownValues, depth + 1);
    return;
  }
  // A non-Error cause (which could hold anything) or a too-deep chain is dropped, not risked.
  error.cause = undefined;
};

const toError = (thrown: unknown): Error =>
  thrown instanceof Error ? thrown : new RotasyncError('a non-Error value was thrown');

/**
 * An engine's or an adapter's error says what failed but not for which secret and step: fill in
 * what it lacks, or wrap a foreign error (the original stays as `cause`), so the message Lambda
 * and Secrets Manager record names both.
 */
const withWhere = (error: Error, where: ErrorWhere | undefined): Error => {
  if (where === undefined) return error;
  if (error instanceof RotasyncError) return error.locate(where);
  return new StepFailedError(error, where);
};

/**
 * Logs a failure once, scrubbed of known values, and lets middy rethrow it. Register it last so
 * its `onError` runs first, before Powertools resets the log keys.
 *
 * @example
 * middy().use(injectLambdaContext(logger, { resetKeys: true })).use(parseEvent(…)).use(errorBoundary({ logger, knownValues }))
 */
export const errorBoundary = ({
  logger,
  knownValues,
  where,
}: ErrorBoundaryOptions): MiddlewareObj => ({
  before: (): void => {
    knownValues.forget();
  },
  // Forgotten on success too, so a warm container holds no value between invocations.
  after: (): void => {
    knownValues.forget();
  },
  onError: (request): void => {
    const reported = withWhere(toError(request.error), rememberedWhere(request) ?? where);
    // After locating: the message is rewritten there. The scrub reaches the causes too.
    scrub(reported, knownValues);
    request.error = reported;
    logger.error('invocation failed', {
      error: {
        name: reported.name,
        message: reported.message,
        where: reported instanceof RotasyncError ? reported.where : undefined,
        cause:
          reported.cause instanceof Error
            ? `${reported.cause.name}: ${reported.cause.message}`
            : undefined,
      },
    });
    knownValues.forget();
  },
});
