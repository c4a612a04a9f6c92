/**
 * A local CloudWatch metrics API with the one read Rotasync makes: GetMetricData over metrics
 * that another local service publishes (RDS's ReplicaLag). It speaks the AWS JSON 1.0 protocol
 * that `@aws-sdk/client-cloudwatch` uses (`X-Amz-Target: GraniteServiceVersion20100801.<op>`) and
 * answers each query with the metric's latest value as one datapoint stamped now, or with no
 * datapoint when the metric has none (as CloudWatch does for a metric nobody published).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
import { randomUUID } from 'node:crypto';
import type { ServiceHandler, ServiceRequest, ServiceResponse } from '#local-cloud/types.js';

/** Where the metrics come from: the latest value, or `undefined` for no datapoint. */
export type MetricSource = (request: {
  readonly region: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}) => Promise<number | undefined>;

interface MetricQuery {
  readonly Id?: unknown;
  readonly MetricStat?: {
    readonly Metric?: {
      readonly Namespace?: unknown;
      readonly MetricName?: unknown;
      readonly Dimensions?: readonly { readonly Name?: unknown; readonly Value?: unknown }[];
    };
  };
}

const JSON_1_0 = 'application/x-amz-json-1.0';

class CloudWatchFault extends Error {
  public constructor(
    public readonly code: string,
    public readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'CloudWatchFault';
  }
}

const answer = (operation: string, status: number, body: unknown, outcome: string) => ({
  status,
  headers: { 'content-type': JSON_1_0, 'x-amzn-requestid': randomUUID() },
  body: JSON.stringify(body),
  operation,
  secretId: undefined,
  outcome,
});

const failure = (operation: string, fault: CloudWatchFault): ServiceResponse => ({
  ...answer(operation, fault.status, { __type: fault.code, message: fault.message }, fault.code),
  // CloudWatch is "awsQueryCompatible": the SDK takes the error code from this header.
  headers: {
    'content-type': JSON_1_0,
    'x-amzn-requestid': randomUUID(),
    'x-amzn-query-error': `${fault.code};Sender`,
  },
});

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** The local CloudWatch endpoint, answering from `source`. */
export const createLocalCloudWatch = (source: MetricSource): ServiceHandler => {
  const getMetricData = async (region: string, body: Record<string, unknown>): Promise<unknown> => {
    const queries = body.MetricDataQueries;
    if (!Array.isArray(queries) || queries.length === 0 || queries.length > 500) {
      throw new CloudWatchFault(
        'InvalidParameterValue',
        400,
        'MetricDataQueries must hold 1 to 500 queries.',
      );
    }
    const now = Math.floor(Date.now() / 1000);
    const results = [];
    for (const query of queries as MetricQuery[]) {
      const id = text(query.Id);
      const metric = query.MetricStat?.Metric;
      const namespace = text(metric?.Namespace);
      const metricName = text(metric?.MetricName);
      if (id === undefined || namespace === undefined || metricName === undefined) {
        throw new CloudWatchFault(
          'InvalidParameterValue',
          400,
          'Each query needs an Id and a MetricStat naming a Namespace and a MetricName.',
        );
      }
      const dimensions: Record<string, string> = {};
      for (const dimension of metric?.Dimensions ?? []) {
        const name = text(dimension.Name);
        const value = text(dimension.Value);
        if (name !== undefined && value !== undefined) dimensions[name] = value;
      }
      const value = await source({ region, namespace, metricName, dimensions });
      results.push({
        Id: id,
        Label: metricName,
        Timestamps: value === undefined ? [] : [now],
        Values: value === undefined ? [] : [value],
        StatusCode: 'Complete',
      });
    }
    return { MetricDataResults: results, Messages: [] };
  };

  return {
    handle: async (request: ServiceRequest): Promise<ServiceResponse> => {
      const target = request.headers['x-amz-target'];
      const operation = (Array.isArray(target) ? target[0] : target)?.split('.').at(-1) ?? '';
      try {
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          throw new CloudWatchFault('SerializationException', 400, 'The body is not JSON.');
        }
        if (operation !== 'GetMetricData') {
          throw new CloudWatchFault(
            'InvalidAction',
            400,
            `The local CloudWatch does not implement ${operation}.`,
          );
        }
        return answer(operation, 200, await getMetricData(request.region, body), 'ok');
      } catch (error) {
        if (error instanceof CloudWatchFault) return failure(operation, error);
        throw error;
      }
    },
    faultResponse: (fault) => {
      const { status, headers, body } = failure(
        fault.operation,
        new CloudWatchFault(fault.code, fault.status, fault.message),
      );
      return { status, headers, body };
    },
  };
};
