/**
 * A middy `before` that validates the raw event before any AWS call and tags the invocation's
 * log lines with identifiers (never values).
 */
import type { MiddlewareObj } from '@middy/core';
import type { ErrorWhere } from '#shared/errors.js';
import { rememberWhere } from './error-boundary.js';

/** What parse-event needs of a logger. */
export interface KeyedLogger {
  appendKeys(keys: Record<string, string>): void;
}

/** Options of {@link parseEvent}. */
export interface ParseEventOptions<T> {
  /** Validates the raw event; throws (InvalidEventError) on bad input. */
  readonly parse: (input: unknown) => T;
  /** Identifiers of the parsed event to tag log lines with: ids and names, never values. */
  readonly logKeys: (event: T) => Record<string, string>;
  readonly logger: KeyedLogger;
  /** Where the invocation's errors happen (its secret and step), for the error boundary. */
  readonly where?: (event: T) => ErrorWhere | undefined;
}

/**
 * Replaces `request.event` with its parsed form, appends its log keys and tells the error
 * boundary where the invocation happens.
 *
 * @example
 * middy<RotationEvent>().use(parseEvent({ parse: parseRotationEvent, logKeys, logger }))
 */
export const parseEvent = <T>({
  parse,
  logKeys,
  logger,
  where,
}: ParseEventOptions<T>): MiddlewareObj<T> => ({
  before: (request): void => {
    request.event = parse(request.event);
    logger.appendKeys(logKeys(request.event));
    const known = where?.(request.event);
    if (known !== undefined) rememberWhere(request, known);
    // Returns nothing: a value returned from `before` would end the chain as an early response.
  },
});
