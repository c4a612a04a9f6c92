/**
 * The local Lambda API through the real @aws-sdk/client-lambda: Invoke (RequestResponse, Event,
 * DryRun, log tails, function errors, timeouts, quotas, name forms) and GetFunctionConfiguration,
 * over a fixture project of small probe functions run by the same FunctionHost as the project's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type InvokeCommandInput,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud } from '#local-cloud/index.js';
import { FunctionHost } from '#local-cloud/lambda/function-host.js';
import { createLocalLambda, type LocalLambda } from '#local-cloud/lambda/lambda-api.js';
import type { LocalFunction } from '#local-cloud/lambda/serverless-config.js';
import { PROJECT_ROOT } from '#local-cloud/stack.js';
import type { LocalCloud } from '#local-cloud/types.js';
import { failureOf } from '#test/helpers/sdk-failure.js';

const ACCOUNT = '123456789012';
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

const probe = (
  exportName: string,
  options: { timeoutSeconds?: number; module?: string } = {},
): LocalFunction => ({
  key: exportName,
  lambdaName: `probe-${exportName}`,
  modulePath: resolve(FIXTURES, options.module ?? 'probe-functions.ts'),
  exportName,
  timeoutSeconds: options.timeoutSeconds ?? 10,
  environment: { FIXTURE: exportName },
  eventPatterns: [],
  schedules: [],
});

const FUNCTIONS = [
  probe('echo'),
  probe('noisy'),
  probe('fail'),
  probe('flaky'),
  probe('slow', { timeoutSeconds: 1 }),
  probe('huge'),
  probe('handler', { module: 'broken-init.ts' }),
];

let cloud: LocalCloud;
let host: FunctionHost;
let lambdaApi: LocalLambda;
let scratch: string;
const clients: LambdaClient[] = [];

const client = (region = 'us-east-1'): LambdaClient => {
  const made = new LambdaClient({
    endpoint: cloud.endpoint,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  clients.push(made);
  return made;
};

const invoke = (input: InvokeCommandInput, region?: string) =>
  client(region).send(new InvokeCommand(input));

const json = (payload: Uint8Array | undefined): unknown =>
  JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8'));

const encode = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'rotasync-lambda-'));
  host = new FunctionHost({
    projectRoot: PROJECT_ROOT,
    project: { service: 'probe', stage: 'test', region: 'us-east-1', functions: FUNCTIONS },
    accountId: ACCOUNT,
    environment: {},
  });
  lambdaApi = createLocalLambda({ host: () => host, projectRoot: PROJECT_ROOT });
  cloud = await startLocalCloud({ accountId: ACCOUNT, extraServices: { lambda: lambdaApi } });
});

afterAll(async () => {
  for (const made of clients) made.destroy();
  await cloud.stop();
  await host.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('Invoke, RequestResponse', () => {
  it('runs the function and answers its result, with the executed version', async () => {
    // Act
    const answer = await invoke({ FunctionName: 'probe-echo', Payload: encode({ lines: 7 }) });

    // Assess
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBeUndefined();
    expect(answer.ExecutedVersion).toBe('$LATEST');
    expect(json(answer.Payload)).toMatchObject({
      event: { lines: 7 },
      functionName: 'probe-echo',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:probe-echo`,
      hasTimeLeft: true,
      region: 'us-east-1',
      fixture: 'echo',
    });
  });

  it('accepts a full ARN, a partial ARN and a $LATEST qualifier', async () => {
    for (const FunctionName of [
      `arn:aws:lambda:us-west-2:${ACCOUNT}:function:probe-echo`,
      `${ACCOUNT}:function:probe-echo`,
      'probe-echo:$LATEST',
    ]) {
      const answer = await invoke({ FunctionName, Payload: encode({}) }, 'us-west-2');
      expect(answer.StatusCode, FunctionName).toBe(200);
      expect(json(answer.Payload), FunctionName).toMatchObject({ region: 'us-west-2' });
    }
  });

  it('runs the function in the Region of the request signature', async () => {
    // Act
    const answer = await invoke({ FunctionName: 'probe-echo' }, 'eu-central-1');

    // Assess: an empty payload arrives as {}, and the environment is that Region's.
    expect(json(answer.Payload)).toMatchObject({
      event: {},
      region: 'eu-central-1',
      invokedFunctionArn: `arn:aws:lambda:eu-central-1:${ACCOUNT}:function:probe-echo`,
    });
  });

  it('passes a ClientContext to the function', async () => {
    // Prepare
    const ClientContext = Buffer.from(JSON.stringify({ custom: { caller: 'cli' } })).toString(
      'base64',
    );

    // Act
    const answer = await invoke({ FunctionName: 'probe-echo', ClientContext });

    // Assess
    expect(json(answer.Payload)).toMatchObject({ clientContext: { custom: { caller: 'cli' } } });
  });

  it('answers "null" for a function that returns nothing', async () => {
    const answer = await invoke({ FunctionName: 'probe-noisy', Payload: encode({ lines: 1 }) });
    expect(Buffer.from(answer.Payload ?? new Uint8Array()).toString()).toBe('null');
  });

  it('answers a function error as HTTP 200 with X-Amz-Function-Error and the error payload', async () => {
    // Act
    const answer = await invoke({ FunctionName: 'probe-fail' });

    // Assess
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBe('Unhandled');
    const payload = json(answer.Payload) as {
      errorType: string;
      errorMessage: string;
      trace: string[];
    };
    expect(payload.errorType).toBe('ProbeFailedError');
    expect(payload.errorMessage).toBe('the probe failed on purpose');
    expect(payload.trace[0]).toBe('ProbeFailedError: the probe failed on purpose');
  });

  it('answers a timeout as a function error (Sandbox.Timedout)', async () => {
    // Act
    const answer = await invoke({ FunctionName: 'probe-slow' });

    // Assess
    expect(answer.FunctionError).toBe('Unhandled');
    expect(json(answer.Payload)).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringContaining('Task timed out after 1.00 seconds'),
    });
  });

  it('answers a failed init as a function error, on every invocation', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const answer = await invoke({ FunctionName: 'probe-handler' });
      expect(answer.FunctionError).toBe('Unhandled');
      expect(json(answer.Payload)).toMatchObject({
        errorType: 'ProbeInitError',
        errorMessage: expect.stringContaining('the module cannot load'),
      });
    }
  });

  it('answers a response over 6 MB as a function error', async () => {
    const answer = await invoke({ FunctionName: 'probe-huge' });
    expect(answer.FunctionError).toBe('Unhandled');
    expect(json(answer.Payload)).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
  });
});

describe('Invoke, log tails', () => {
  it('returns the invocation log between START and REPORT when LogType is Tail', async () => {
    // Act
    const answer = await invoke({
      FunctionName: 'probe-noisy',
      LogType: 'Tail',
      Payload: encode({ lines: 2 }),
    });

    // Assess
    const log = Buffer.from(answer.LogResult ?? '', 'base64').toString('utf8');
    const lines = log.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/);
    expect(lines[1]).toContain('noisy line 00001');
    expect(lines[2]).toContain('noisy line 00002');
    expect(lines[3]).toMatch(/^END RequestId: /);
    expect(lines[4]).toMatch(/^REPORT RequestId: .*\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms/);
  });

  it('keeps only the last 4 KB of a long log', async () => {
    // Act
    const answer = await invoke({
      FunctionName: 'probe-noisy',
      LogType: 'Tail',
      Payload: encode({ lines: 300 }),
    });

    // Assess
    const log = Buffer.from(answer.LogResult ?? '', 'base64');
    expect(log.length).toBe(4096);
    const text = log.toString('utf8');
    expect(text).toContain('noisy line 00300');
    expect(text).not.toContain('noisy line 00001');
    expect(text).not.toContain('START RequestId');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^REPORT RequestId: /);
  });

  it('includes the error line of a failed invocation', async () => {
    const answer = await invoke({ FunctionName: 'probe-fail', LogType: 'Tail' });
    const log = Buffer.from(answer.LogResult ?? '', 'base64').toString('utf8');
    expect(log).toContain('about to fail');
    expect(log).toMatch(/\tERROR\tInvoke Error \t\{"errorType":"ProbeFailedError"/);
  });

  it('returns no log without LogType Tail', async () => {
    const answer = await invoke({ FunctionName: 'probe-noisy', Payload: encode({ lines: 1 }) });
    expect(answer.LogResult).toBeUndefined();
  });
});

describe('Invoke, Event and DryRun', () => {
  it('accepts an Event invocation with 202 and runs it in the background', async () => {
    // Prepare
    const countFile = join(scratch, 'event-echo');

    // Act
    const answer = await invoke({
      FunctionName: 'probe-echo',
      InvocationType: 'Event',
      Payload: encode({ countFile }),
    });
    const settled = await lambdaApi.asyncSettled();

    // Assess
    expect(answer.StatusCode).toBe(202);
    expect(answer.Payload?.length ?? 0).toBe(0);
    expect(settled.at(-1)).toMatchObject({ functionName: 'probe-echo', ok: true, attempts: 1 });
    expect(readFileSync(countFile, 'utf8')).toBe('invoked\n');
  });

  it('retries a failing Event invocation twice, as Lambda does', async () => {
    // Prepare: fails on its first two attempts.
    const countFile = join(scratch, 'event-flaky');

    // Act
    await invoke({
      FunctionName: 'probe-flaky',
      InvocationType: 'Event',
      Payload: encode({ countFile, failUntil: 3 }),
    });
    const settled = await lambdaApi.asyncSettled();

    // Assess
    expect(settled.at(-1)).toMatchObject({ functionName: 'probe-flaky', ok: true, attempts: 3 });
  });

  it('gives up on an Event invocation after three failed attempts', async () => {
    await invoke({ FunctionName: 'probe-fail', InvocationType: 'Event' });
    const settled = await lambdaApi.asyncSettled();
    expect(settled.at(-1)).toMatchObject({
      functionName: 'probe-fail',
      ok: false,
      attempts: 3,
      error: 'ProbeFailedError: the probe failed on purpose',
    });
  });

  it('answers DryRun with 204 without running the function', async () => {
    // Prepare
    const countFile = join(scratch, 'dry-run');

    // Act
    const answer = await invoke({
      FunctionName: 'probe-echo',
      InvocationType: 'DryRun',
      Payload: encode({ countFile }),
    });

    // Assess
    expect(answer.StatusCode).toBe(204);
    expect(existsSync(countFile)).toBe(false);
  });
});

describe('Invoke, errors of the API', () => {
  it('answers ResourceNotFoundException (404) for an unknown function, DryRun included', async () => {
    for (const InvocationType of ['RequestResponse', 'Event', 'DryRun'] as const) {
      const failure = await failureOf(invoke({ FunctionName: 'probe-missing', InvocationType }));
      expect(failure).toEqual({
        name: 'ResourceNotFoundException',
        status: 404,
        message: `Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:probe-missing`,
      });
    }
  });

  it('does not find a function by an ARN of another Region or an unpublished version', async () => {
    const otherRegion = await failureOf(
      invoke({ FunctionName: `arn:aws:lambda:us-west-2:${ACCOUNT}:function:probe-echo` }),
    );
    const version = await failureOf(invoke({ FunctionName: 'probe-echo', Qualifier: '3' }));
    expect(otherRegion).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(version).toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:probe-echo:3`,
    });
  });

  it('refuses an ARN of another account with AccessDeniedException (403)', async () => {
    const failure = await failureOf(
      invoke({ FunctionName: 'arn:aws:lambda:us-east-1:999999999999:function:probe-echo' }),
    );
    expect(failure).toMatchObject({ name: 'AccessDeniedException', status: 403 });
  });

  it('refuses a malformed function name with ValidationException (400)', async () => {
    const failure = await failureOf(invoke({ FunctionName: 'not a name!' }));
    expect(failure).toMatchObject({
      name: 'ValidationException',
      status: 400,
      message: expect.stringContaining("Value 'not a name!' at 'functionName' failed to satisfy"),
    });
  });

  it('refuses a qualifier that contradicts the one in the name', async () => {
    const failure = await failureOf(
      invoke({ FunctionName: 'probe-echo:$LATEST', Qualifier: 'v2' }),
    );
    expect(failure).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
  });

  it('refuses a payload that is not JSON with InvalidRequestContentException (400)', async () => {
    const failure = await failureOf(
      invoke({ FunctionName: 'probe-echo', Payload: Buffer.from('{not json') }),
    );
    expect(failure).toMatchObject({
      name: 'InvalidRequestContentException',
      status: 400,
      message: expect.stringContaining('Could not parse request body into json'),
    });
  });

  it("takes a synchronous payload of several megabytes, over the endpoint's 1 MiB default", async () => {
    // Act
    const answer = await invoke({
      FunctionName: 'probe-echo',
      Payload: encode({ lines: 'x'.repeat(5 * 1024 * 1024) }),
    });

    // Assess
    expect(answer.FunctionError).toBeUndefined();
    expect((json(answer.Payload) as { event: { lines: string } }).event.lines).toHaveLength(
      5 * 1024 * 1024,
    );
  });

  it('refuses payloads over the quotas (6 MB synchronous, 1 MB Event) with 413', async () => {
    const syncTooLarge = await failureOf(
      invoke({ FunctionName: 'probe-echo', Payload: encode('x'.repeat(6 * 1024 * 1024)) }),
    );
    const eventTooLarge = await failureOf(
      invoke({
        FunctionName: 'probe-echo',
        InvocationType: 'Event',
        Payload: encode('x'.repeat(1024 * 1024)),
      }),
    );
    expect(syncTooLarge).toMatchObject({ name: 'RequestTooLargeException', status: 413 });
    expect(eventTooLarge).toMatchObject({ name: 'RequestTooLargeException', status: 413 });
  });

  it('records each invocation in the request log, by function name', async () => {
    // Prepare
    cloud.requestLog.clear();

    // Act
    await invoke({ FunctionName: 'probe-echo' }, 'us-west-2');
    await failureOf(invoke({ FunctionName: 'probe-missing' }));

    // Assess
    expect(
      cloud.requestLog.entries().map(({ service, operation, region, secretId, outcome }) => ({
        service,
        operation,
        region,
        secretId,
        outcome,
      })),
    ).toEqual([
      {
        service: 'lambda',
        operation: 'Invoke',
        region: 'us-west-2',
        secretId: 'probe-echo',
        outcome: 'ok',
      },
      {
        service: 'lambda',
        operation: 'Invoke',
        region: 'us-east-1',
        secretId: 'probe-missing',
        outcome: 'ResourceNotFoundException',
      },
    ]);
  });

  it('answers an injected fault for Invoke before running anything', async () => {
    // Prepare
    cloud.faults.failNext('Invoke', 1, 'TooManyRequestsException');

    // Act
    const failure = await failureOf(invoke({ FunctionName: 'probe-echo' }));

    // Assess
    expect(failure).toMatchObject({ name: 'TooManyRequestsException' });
  });
});

describe('GetFunctionConfiguration', () => {
  it("describes a function in the request's Region", async () => {
    // Act
    const configuration = await client('us-west-2').send(
      new GetFunctionConfigurationCommand({ FunctionName: 'probe-slow' }),
    );

    // Assess
    expect(configuration).toMatchObject({
      FunctionName: 'probe-slow',
      FunctionArn: `arn:aws:lambda:us-west-2:${ACCOUNT}:function:probe-slow`,
      Runtime: 'nodejs22.x',
      Handler: 'test/integration/local-cloud/fixtures/probe-functions.slow',
      Timeout: 1,
      Version: '$LATEST',
      State: 'Active',
      Environment: { Variables: { FIXTURE: 'slow' } },
    });
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    const failure = await failureOf(
      client().send(new GetFunctionConfigurationCommand({ FunctionName: 'probe-missing' })),
    );
    expect(failure).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });
});
