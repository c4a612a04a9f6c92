/**
 * The local cloud's own speed, so its overhead in the other figures is known: GetSecretValue and
 * PutSecretValue through the real SDK over HTTP, with a fixed number of requests in flight.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { quantile } from './table.js';

export interface ThroughputFigures {
  readonly operation: string;
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export const measureThroughput = async (
  sm: SecretsManagerClient,
  label: string,
  requests: number,
  concurrency: number,
): Promise<ThroughputFigures[]> => {
  const name = `bench/throughput-${label.replace(/[^A-Za-z0-9]+/g, '-')}-${Date.now()}`;
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: '{"n":0}' }));
  const run = async (operation: string, call: (index: number) => Promise<unknown>) => {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const index = next;
          next += 1;
          const begun = performance.now();
          await call(index);
          latencies.push(performance.now() - begun);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      operation: `${operation} (${label})`,
      requests,
      perSecond: requests / seconds,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
    };
  };
  return [
    await run('GetSecretValue', () => sm.send(new GetSecretValueCommand({ SecretId: name }))),
    await run('PutSecretValue', (index) =>
      sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: `{"n":${index}}` })),
    ),
  ];
};
