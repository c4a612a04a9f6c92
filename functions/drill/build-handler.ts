/**
 * The drill function's middleware chain, apart from handler.ts so tests can run the whole chain
 * with fake dependencies.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type DrillInput, parseDrillInput } from '#shared/dr/inputs.js';
import { scrubReport } from '#shared/dr/scrub.js';
import { DrillFailedError } from '#shared/errors.js';
import type { KnownValues } from '#shared/known-values.js';
import { errorBoundary } from '#shared/middleware/error-boundary.js';
import { parseEvent } from '#shared/middleware/parse-event.js';
import { type DrillDeps, type DrillReport, drill } from './drill.js';

/** What the chain is built from. */
export interface DrillHandlerParts {
  readonly deps: DrillDeps;
  /** The Region drilled: the function's own. */
  readonly region: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Filled by the remembering store, scrubbed from the report and from errors. */
  readonly knownValues: KnownValues;
}

/** One line per secret with problems: its name and problems, never a value. */
const summary = (report: DrillReport): string => {
  const troubled = report.secrets.filter((row) => row.problems.length > 0);
  const shown = troubled.slice(0, 20).map((row) => `${row.secret} (${row.problems.join(', ')})`);
  const more = troubled.length > shown.length ? [`and ${troubled.length - shown.length} more`] : [];
  const list = [...shown, ...more];
  return `drill found ${report.problems} problem(s) in ${troubled.length} of ${report.checked} secret(s) in ${report.region}: ${list.join('; ')}`;
};

/**
 * The drill handler: input parsed before any AWS call (InvalidEventError), the drill, the
 * DrillProblems metric (dimension Region), the report logged and returned; with problems and
 * `failOnProblems` (the default), DrillFailedError, so a scheduled drill raises the Errors alarm.
 */
export const buildDrillHandler = ({
  deps,
  region,
  logger,
  metrics,
  knownValues,
}: DrillHandlerParts) =>
  middy<DrillInput, DrillReport>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(logMetrics(metrics))
    .use(
      parseEvent({
        parse: parseDrillInput,
        logKeys: (input) => ({ region, secrets: input.secrets.kind }),
        logger,
      }),
    )
    .use(errorBoundary({ logger, knownValues }))
    .handler(async (input) => {
      const report = scrubReport(await drill(region, input.secrets, deps), knownValues);
      metrics.addDimension('Region', region);
      metrics.addMetric('DrillProblems', MetricUnit.Count, report.problems);
      logger.info('drill finished', { report });
      if (input.failOnProblems && report.problems > 0) {
        throw new DrillFailedError(summary(report), { step: 'drill' });
      }
      return report;
    });
