/**
 * Reads the CloudWatch embedded metric format (EMF) lines in captured output as CloudWatch Logs
 * would (local-cloud/lambda/emf.ts), for tests that check a function's metrics.
 */
import { type EmfDatapoint, parseEmfLine } from '#local-cloud/lambda/emf.js';

/** A datapoint without its timestamp, for exact comparisons. */
export type Datapoint = Omit<EmfDatapoint, 'timestamp'>;

/** The datapoints of every EMF line in `output` (chunks or lines); other lines are skipped. */
export const emfDatapoints = (output: readonly string[]): Datapoint[] =>
  output
    .join('')
    .split('\n')
    .flatMap(parseEmfLine)
    .map(({ timestamp: _timestamp, ...point }) => point);

/** The datapoints of one metric. */
export const datapointsOf = (output: readonly string[], name: string): Datapoint[] =>
  emfDatapoints(output).filter((point) => point.name === name);
