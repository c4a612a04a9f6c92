/**
 * The local stack's Lambda API serves the project's real functions from serverless.yml, reached
 * the standard way: a LambdaClient whose endpoint comes from AWS_ENDPOINT_URL_LAMBDA.
 */
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#local-cloud/stack.js';

let stack: LocalStack;
let lambda: LambdaClient;
let previousEndpoint: string | undefined;

beforeAll(async () => {
  stack = await startLocalStack({ recoveryRegions: ['us-west-2'] });
  previousEndpoint = process.env.AWS_ENDPOINT_URL_LAMBDA;
  process.env.AWS_ENDPOINT_URL_LAMBDA = stack.clientEnvironment.AWS_ENDPOINT_URL_LAMBDA;
  // No endpoint here: the SDK takes it from AWS_ENDPOINT_URL_LAMBDA.
  lambda = new LambdaClient({ region: 'us-east-1', maxAttempts: 1 });
});

afterAll(async () => {
  lambda.destroy();
  if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_LAMBDA;
  else process.env.AWS_ENDPOINT_URL_LAMBDA = previousEndpoint;
  await stack.stop();
});

const json = (payload: Uint8Array | undefined): unknown =>
  JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8'));

describe('the project functions behind the Lambda API', () => {
  it('invokes reconcile by its deployed name and answers its report', async () => {
    // Act
    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: 'rotasync-local-reconcile',
        Payload: Buffer.from(JSON.stringify({ dryRun: true })),
      }),
    );

    // Assess
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBeUndefined();
    expect(json(answer.Payload)).toMatchObject({ dryRun: true, checked: 0, drift: [] });
    expect(stack.cloud.requestLog.entries().some((e) => e.service === 'lambda')).toBe(true);
  });

  it("answers rotate's typed error for a bad event as a function error", async () => {
    // Act
    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: stack.functionArn('rotate'),
        Payload: Buffer.from(JSON.stringify({ Step: 'nope' })),
      }),
    );

    // Assess
    expect(answer.FunctionError).toBe('Unhandled');
    expect(json(answer.Payload)).toMatchObject({ errorType: 'InvalidEventError' });
  });

  it('describes a function with the environment serverless.yml gives it', async () => {
    // Act
    const configuration = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'rotasync-local-reconcile' }),
    );

    // Assess
    expect(configuration.FunctionArn).toBe(stack.functionArn('reconcile'));
    expect(configuration.Handler).toBe('functions/reconcile/handler.handler');
    expect(configuration.Timeout).toBe(900);
    expect(configuration.Environment?.Variables).toMatchObject({
      ROTASYNC_REPLICA_REGIONS: 'us-west-2',
      POWERTOOLS_SERVICE_NAME: 'rotasync',
    });
  });

  it('does not answer to the key a function has in serverless.yml, only to its deployed name', async () => {
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: 'reconcile' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
