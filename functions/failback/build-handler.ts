/**
 * The failback function's middleware chain, apart from handler.ts so tests can run the whole
 * chain with fake dependencies.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { type FailbackInput, parseFailbackInput } from '#shared/dr/inputs.js';
import { scrubReport } from '#shared/dr/scrub.js';
import type { KnownValues } from '#shared/known-values.js';
import { errorBoundary } from '#shared/middleware/error-boundary.js';
import { parseEvent } from '#shared/middleware/parse-event.js';
import { type FailbackDeps, type FailbackReport, failback } from './failback.js';

/** What the chain is built from. */
export interface FailbackHandlerParts {
  /** `deps.region` is the function's own Region (the promoted one). */
  readonly deps: FailbackDeps;
  readonly logger: Logger;
  readonly knownValues: KnownValues;
}

/**
 * The failback handler: the input parsed and confirmed before any AWS call (InvalidEventError),
 * then the failback; the report is logged and returned.
 */
export const buildFailbackHandler = ({ deps, logger, knownValues }: FailbackHandlerParts) =>
  middy<FailbackInput, FailbackReport>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(
      parseEvent({
        parse: (input) => parseFailbackInput(input, deps.region),
        logKeys: (input) => ({
          region: input.region,
          secrets: input.secrets.kind,
          dryRun: String(input.dryRun),
          force: String(input.force),
        }),
        logger,
      }),
    )
    .use(errorBoundary({ logger, knownValues }))
    .handler(async (input) => {
      const report = scrubReport(await failback(input, deps), knownValues);
      logger.info('failback finished', { report });
      return report;
    });
