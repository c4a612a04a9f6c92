/**
 * The one place a failed invocation is logged: once, with name, message and where, and with
 * every known secret value scrubbed from the error (and its causes) first. The error is then
 * rethrown, so Secrets Manager records the step as failed and retries the rotation.
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
}

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

/** The secret and step of a parsed rotation event, when the event is one. */
const whereOfEvent = (event: unknown): ErrorWhere | undefined => {
  if (typeof event !== 'object' || event === null) return undefined;
  const { SecretId, Step } = event as { SecretId?: unknown; Step?: unknown };
  return typeof SecretId === 'string' && typeof Step === 'string'
    ? { secretId: SecretId, step: Step }
    : undefined;
};

/**
 * An SDK or driver error says what failed but not for which secret and step: wrap it so the
 * message Secrets Manager records names both (the original stays as `cause`).
 */
const withWhere = (error: Error, event: unknown): Error => {
  if (error instanceof RotasyncError) return error;
  const where = whereOfEvent(event);
  return where ? new StepFailedError(error, where) : error;
};

/**
 * Logs a failure once, scrubbed of known values, and lets middy rethrow it. Register it last so
 * its `onError` runs first, before Powertools resets the log keys.
 *
 * @example
 * middy().use(injectLambdaContext(logger, { resetKeys: true })).use(parseEvent(…)).use(errorBoundary({ logger, knownValues }))
 */
export const errorBoundary = ({ logger, knownValues }: ErrorBoundaryOptions): MiddlewareObj => ({
  before: (): void => {
    knownValues.forget();
  },
  // Forgotten on success too, so a warm container holds no value between invocations.
  after: (): void => {
    knownValues.forget();
  },
  onError: (request): void => {
    const error = toError(request.error);
    scrub(error, knownValues);
    const reported = withWhere(error, request.event);
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
