import { Readable } from 'node:stream';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { backoffDelay, clientSettings, RETRY } from '#shared/aws/clients.js';
import { SecretsManagerStore } from '#shared/aws/secrets-manager-store.js';
import { AwsCallError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';

/** An HTTP answer of the Secrets Manager JSON protocol. */
interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const fail = (status: number, type: string): Answer => ({
  status,
  body: { __type: type, message: 'scripted' },
});

/**
 * A store whose client runs the SDK's whole middleware stack, retries included, over a scripted
 * HTTP handler instead of the network; `requests` counts what reached the "wire". No jitter
 * wait: the jitter source always draws 0.
 */
const scripted = (answers: readonly Answer[]) => {
  const log = { requests: 0 };
  const client = new SecretsManagerClient({
    ...clientSettings('us-east-1', () => 0),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: {
      handle: async () => {
        const answer = answers[Math.min(log.requests, answers.length - 1)] ?? fail(500, 'Empty');
        log.requests += 1;
        return {
          response: {
            statusCode: answer.status,
            reason: '',
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
          },
        };
      },
    },
  });
  return { store: new SecretsManagerStore(client, 'us-east-1'), log };
};

describe('the retry policy: the SDK standard strategy, configured', () => {
  it('waits a random share of 100 ms doubling per retry, capped at 2 s (full jitter)', () => {
    // Act
    const highest = [1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, () => 0.99));
    const lowest = [1, 2, 3].map((retry) => backoffDelay(retry, () => 0));
    // Assess
    expect(highest).toEqual([99, 198, 396, 792, 1584, 1980]);
    expect(lowest).toEqual([0, 0, 0]);
  });

  it('makes up to 4 attempts in all', () => {
    // Act
    const settings = clientSettings('eu-west-1');
    // Assess
    expect(RETRY.maxAttempts).toBe(4);
    expect(settings).toMatchObject({ region: 'eu-west-1', maxAttempts: 4 });
  });

  it('retries HTTP 500s below the store, which then succeeds', async () => {
    // Prepare
    const { store, log } = scripted([
      fail(500, 'InternalServiceError'),
      fail(503, 'ServiceUnavailable'),
      { status: 200, body: { ARN: 'arn:app', Name: 'app', VersionId: 'v1' } },
    ]);
    // Act
    const outcome = await store.putValue('app', 'token-1', new Sensitive('{}'));
    // Assess
    expect(outcome).toBe('created');
    expect(log.requests).toBe(3);
  });

  it('gives up on throttling after the fourth attempt, with a transient AwsCallError', async () => {
    // Prepare
    const { store, log } = scripted([fail(400, 'ThrottlingException')]);
    // Act
    const error = await store.describe('app').catch((thrown: unknown) => thrown);
    // Assess
    expect(log.requests).toBe(4);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ code: 'ThrottlingException', transient: true });
    expect((error as Error).message).toBe(
      'DescribeSecret in us-east-1 for secret app: Secrets Manager answered ThrottlingException',
    );
  });

  it('does not retry an error a retry cannot cure', async () => {
    // Prepare
    const { store, log } = scripted([fail(400, 'AccessDeniedException')]);
    // Act
    const error = await store.read('app').catch((thrown: unknown) => thrown);
    // Assess
    expect(log.requests).toBe(1);
    expect(error).toMatchObject({ code: 'AccessDeniedException', transient: false });
  });
});
