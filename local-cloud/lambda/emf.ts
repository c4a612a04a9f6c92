/**
 * What CloudWatch Logs does with a function's embedded metric format (EMF) lines: each line whose
 * JSON holds `_aws.CloudWatchMetrics` becomes one datapoint per metric and dimension set. The
 * local cloud keeps them beside the functions' log lines, so `npm run local`, tests and bench/
 * can read a function's metrics as CloudWatch would record them.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

/** One metric value as CloudWatch would record it. */
export interface EmfDatapoint {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `_aws.Timestamp`: epoch milliseconds. */
  readonly timestamp: number;
}

interface MetricDirective {
  readonly Namespace?: unknown;
  readonly Dimensions?: unknown;
  readonly Metrics?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The datapoints of one printed line; `[]` for a line that is not an EMF document (a log line,
 * plain text, malformed JSON), exactly as CloudWatch Logs keeps such lines as plain log events.
 */
export const parseEmfLine = (line: string): EmfDatapoint[] => {
  if (!line.includes('"_aws"')) return [];
  let document: unknown;
  try {
    document = JSON.parse(line);
  } catch {
    return [];
  }
  if (!isRecord(document) || !isRecord(document._aws)) return [];
  const { Timestamp, CloudWatchMetrics } = document._aws;
  if (!Array.isArray(CloudWatchMetrics)) return [];
  const timestamp = typeof Timestamp === 'number' ? Timestamp : Number.NaN;
  return (CloudWatchMetrics as MetricDirective[]).flatMap((directive) => {
    if (!Array.isArray(directive.Metrics) || !Array.isArray(directive.Dimensions)) return [];
    const sets = directive.Dimensions.filter((set): set is string[] => Array.isArray(set));
    return directive.Metrics.flatMap((metric: unknown) => {
      if (!isRecord(metric) || typeof metric.Name !== 'string') return [];
      const name = metric.Name;
      const value = Number(document[name]);
      return sets.map((set) => ({
        namespace: String(directive.Namespace ?? ''),
        name,
        unit: typeof metric.Unit === 'string' ? metric.Unit : 'None',
        value,
        dimensions: Object.fromEntries(set.map((key) => [key, String(document[key])])),
        timestamp,
      }));
    });
  });
};

/**
 * One line for a person reading `npm run local`: `metric Name=value Unit {Key=value, ...}` per
 * datapoint; `undefined` for a line that is not EMF (printed as it is).
 *
 * @example
 * describeEmfLine(line) // 'metric RotationStepDuration=12 Milliseconds {Step=createSecret, Outcome=success}'
 */
export const describeEmfLine = (line: string): string | undefined => {
  const points = parseEmfLine(line);
  if (points.length === 0) return undefined;
  return points
    .map((point) => {
      const dimensions = Object.entries(point.dimensions)
        .filter(([key]) => key !== 'service')
        .map(([key, value]) => `${key}=${value}`)
        .join(', ');
      return `metric ${point.name}=${point.value} ${point.unit}${dimensions ? ` {${dimensions}}` : ''}`;
    })
    .join('; ');
};

/** The datapoints a stack's functions emitted, most recent last, bounded like the request log. */
export interface MetricLog {
  datapoints(): readonly EmfDatapoint[];
  clear(): void;
}

export interface MetricLogWriter extends MetricLog {
  /** Keeps the datapoints of a printed line (none for a non-EMF line). */
  record(line: string): void;
}

/** Choice: the most recent 100,000 datapoints, so a long benchmark cannot exhaust memory. */
export const createMetricLog = (capacity = 100_000): MetricLogWriter => {
  let points: EmfDatapoint[] = [];
  return {
    datapoints: () => points.slice(),
    clear() {
      points = [];
    },
    record(line) {
      const parsed = parseEmfLine(line);
      if (parsed.length === 0) return;
      points.push(...parsed);
      if (points.length > capacity * 2) points = points.slice(-capacity);
    },
  };
};
