/**
 * Conformance: Lambda's Invoke and GetFunctionConfiguration for a function that does not exist,
 * which holds in any account and needs nothing deployed. The local cloud's invocations of real
 * functions are tested in test/integration/local-cloud/lambda-invoke.test.ts.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { randomBytes } from 'node:crypto';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from '#test/helpers/sdk-failure.js';
import { type ConformanceTarget, openConformanceTarget } from './endpoint.js';

const MISSING = `rotasync-conformance-${randomBytes(4).toString('hex')}-missing`;

let target: ConformanceTarget;
let lambda: LambdaClient;

beforeAll(async () => {
  target = await openConformanceTarget();
  lambda = new LambdaClient({
    region: target.region,
    maxAttempts: 1,
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
  });
});

afterAll(async () => {
  lambda.destroy();
  await target.close();
});

describe('Lambda: a function that does not exist', () => {
  it('Invoke answers ResourceNotFoundException (404) naming the function ARN, for every invocation type', async () => {
    for (const InvocationType of ['RequestResponse', 'Event', 'DryRun'] as const) {
      // Act
      const failure = await failureOf(
        lambda.send(new InvokeCommand({ FunctionName: MISSING, InvocationType })),
      );

      // Assess
      expect(failure.name, InvocationType).toBe('ResourceNotFoundException');
      expect(failure.status, InvocationType).toBe(404);
      expect(failure.message, InvocationType).toMatch(
        new RegExp(
          `^Function not found: arn:aws:lambda:${target.region}:\\d{12}:function:${MISSING}$`,
        ),
      );
    }
  });

  it('GetFunctionConfiguration answers ResourceNotFoundException (404)', async () => {
    const failure = await failureOf(
      lambda.send(new GetFunctionConfigurationCommand({ FunctionName: MISSING })),
    );
    expect(failure).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });
});

describe('Lambda: a malformed function name', () => {
  it('Invoke answers ValidationException (400) naming the member', async () => {
    const failure = await failureOf(
      lambda.send(new InvokeCommand({ FunctionName: 'no spaces allowed' })),
    );
    expect(failure).toMatchObject({
      name: 'ValidationException',
      status: 400,
      message: expect.stringContaining("at 'functionName' failed to satisfy constraint"),
    });
  });
});
