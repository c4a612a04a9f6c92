/**
 * The failover function's middleware chain, apart from handler.ts so tests can run the whole
 * chain with fake dependencies.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Deadline } from '#shared/deadline.js';
import { type FailoverInput, parseFailoverInput } from '#shared/dr/inputs.js';
import { scrubReport } from '#shared/dr/scrub.js';
import type { KnownValues } from '#shared/known-values.js';
import { errorBoundary } from '#shared/middleware/error-boundary.js';
import { parseEvent } from '#shared/middleware/parse-event.js';
import { type FailoverDeps, type FailoverReport, failover } from './failover.js';

/** What the chain is built from. */
export interface FailoverHandlerParts {
  /** Everything but the rotate function's ARN, which the invocation's own ARN gives. */
  readonly deps: Omit<FailoverDeps, 'rotateFunctionArn'>;
  /** The function's Region: the only one it fails over to. */
  readonly region: string;
  /** The deployed name of this Region's rotate function, e.g. `rotasync-prod-rotate`. */
  readonly rotateFunctionName: string;
  /** Promotions are waited for until this long before the Lambda's own timeout. */
  readonly marginMs: number;
  /** And for at most this long per invocation (a shorter wait reports progress more often). */
  readonly maxWaitMs: number;
  readonly logger: Logger;
  readonly knownValues: KnownValues;
}

/** The ARN of `name` in the invoked function's Region and account. */
const siblingArn = (invokedArn: string, name: string): string =>
  [...invokedArn.split(':').slice(0, 6), name].join(':');

/**
 * The failover handler: the input parsed and confirmed before any AWS call (InvalidEventError),
 * then the failover within the invocation's deadline; the report is logged and returned.
 */
export const buildFailoverHandler = ({
  deps,
  region,
  rotateFunctionName,
  marginMs,
  maxWaitMs,
  logger,
  knownValues,
}: FailoverHandlerParts) =>
  middy<FailoverInput, FailoverReport, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(
      parseEvent({
        parse: (input) => parseFailoverInput(input, region),
        logKeys: (input) => ({
          region: input.region,
          secrets: input.secrets.kind,
          dryRun: String(input.dryRun),
        }),
        logger,
      }),
    )
    .use(errorBoundary({ logger, knownValues }))
    .handler(async (input, context) => {
      const started = Date.now();
      const deadline: Deadline = {
        remainingMs: () =>
          Math.min(
            context.getRemainingTimeInMillis() - marginMs,
            maxWaitMs - (Date.now() - started),
          ),
      };
      const rotateFunctionArn = siblingArn(context.invokedFunctionArn, rotateFunctionName);
      const report = scrubReport(
        await failover(input, { ...deps, rotateFunctionArn }, deadline),
        knownValues,
      );
      logger.info('failover finished', { report });
      return report;
    });
