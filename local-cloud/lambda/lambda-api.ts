/**
 * The local Lambda API (REST-JSON, version 2015-03-31) over the functions the FunctionHost runs
 * from serverless.yml: Invoke and GetFunctionConfiguration, in every Region of the SigV4 scope.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html
 *
 * As the service does, a function's own failure is not an API error: Invoke answers 200 with
 * `X-Amz-Function-Error: Unhandled` and the runtime's `{errorType, errorMessage, trace}` payload.
 * Choices: only `$LATEST` exists (no published versions or aliases); an asynchronous invocation
 * that fails is retried twice at once, without Lambda's minutes of backoff.
 */
import { randomUUID } from 'node:crypto';
import { relative } from 'node:path';
import type { ServiceHandler, ServiceRequest, ServiceResponse } from '#local-cloud/types.js';
import type { FunctionHost, InvocationResult } from './function-host.js';
import type { LocalFunction } from './serverless-config.js';

export interface LocalLambdaOptions {
  /**
   * The functions' host; a getter, because a stack creates it after the endpoint listens.
   * `undefined` means no function exists (every name is ResourceNotFoundException).
   */
  readonly host: () => FunctionHost | undefined;
  /** The project root, for the `Handler` GetFunctionConfiguration reports. */
  readonly projectRoot: string;
  /** Extra attempts of a failed asynchronous (Event) invocation; Lambda's 2 by default. */
  readonly asyncRetries?: number;
  /** Receives a line for every failed asynchronous attempt (there is no caller to tell). */
  readonly onAsyncFailure?: (line: string) => void;
}

/** One asynchronous (Event) invocation and how it ended, after its retries. */
export interface AsyncInvocationRecord {
  readonly functionName: string;
  readonly region: string;
  readonly requestId: string;
  readonly attempts: number;
  readonly ok: boolean;
  /** `errorType: errorMessage` of the last attempt, when every attempt failed. */
  readonly error?: string;
}

/** The Lambda ServiceHandler, plus a way to wait for its asynchronous invocations. */
export interface LocalLambda extends ServiceHandler {
  /** Every Event invocation accepted so far, once each has finished (retries included). */
  asyncSettled(): Promise<readonly AsyncInvocationRecord[]>;
}

/** Payload quotas: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
const ASYNC_PAYLOAD_LIMIT = 1024 * 1024;
const LOG_TAIL_BYTES = 4096;
const CLIENT_CONTEXT_LIMIT = 3583;
const FUNCTION_NAME_MAX = 170;
const PLAIN_NAME_MAX = 64;

/** The FunctionName pattern of the API model, anchored. */
const FUNCTION_NAME =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9\-_.]+)(?::(\$LATEST|[a-zA-Z0-9\-_]+))?$/;
const ROUTE = /^\/2015-03-31\/functions\/([^/?]+)\/(invocations|configuration)\/?(?:\?(.*))?$/;
const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'] as const;
type InvocationType = (typeof INVOCATION_TYPES)[number];

class LambdaApiError extends Error {
  public constructor(
    public readonly code: string,
    public readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'LambdaApiError';
  }
}

const notFound = (arn: string): LambdaApiError =>
  new LambdaApiError('ResourceNotFoundException', 404, `Function not found: ${arn}`);

/** A model constraint failure, worded as the service's validation layer words it. */
const validation = (value: string, member: string, constraint: string): LambdaApiError =>
  new LambdaApiError(
    'ValidationException',
    400,
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );

interface Route {
  readonly operation: 'Invoke' | 'GetFunctionConfiguration' | 'Unknown';
  readonly functionName: string | undefined;
  readonly query: URLSearchParams;
}

const routeOf = (method: string, path: string): Route => {
  const match = ROUTE.exec(path);
  const query = new URLSearchParams(match?.[3] ?? '');
  if (match === null) return { operation: 'Unknown', functionName: undefined, query };
  let functionName: string;
  try {
    functionName = decodeURIComponent(match[1] ?? '');
  } catch {
    functionName = match[1] ?? '';
  }
  if (match[2] === 'invocations' && method === 'POST') {
    return { operation: 'Invoke', functionName, query };
  }
  if (match[2] === 'configuration' && method === 'GET') {
    return { operation: 'GetFunctionConfiguration', functionName, query };
  }
  return { operation: 'Unknown', functionName, query };
};

const header = (request: ServiceRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const errorResponse = (
  error: LambdaApiError,
  operation: string,
  resource: string | undefined,
): ServiceResponse => ({
  status: error.status,
  headers: {
    'content-type': 'application/json',
    'x-amzn-errortype': error.code,
    'x-amzn-requestid': randomUUID(),
  },
  body: JSON.stringify({ Type: error.status >= 500 ? 'Service' : 'User', message: error.message }),
  operation,
  secretId: resource,
  outcome: error.code,
});

/** The function a FunctionName (name, ARN or partial ARN, maybe qualified) names in this Region. */
const resolveFunction = (
  host: Pick<FunctionHost, 'functions'>,
  request: ServiceRequest,
  functionName: string,
  qualifierParameter: string | null,
): { fn: LocalFunction; arn: string } => {
  if (functionName.length < 1 || functionName.length > FUNCTION_NAME_MAX) {
    throw validation(
      functionName,
      'functionName',
      `Member must have length less than or equal to ${FUNCTION_NAME_MAX}`,
    );
  }
  const match = FUNCTION_NAME.exec(functionName);
  if (match === null) {
    throw validation(
      functionName,
      'functionName',
      'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
    );
  }
  const [, region, account, name = '', nameQualifier] = match;
  if (name.length > PLAIN_NAME_MAX) {
    throw validation(name, 'functionName', `Member must have length less than or equal to 64`);
  }
  if (qualifierParameter !== null && !/^[a-zA-Z0-9$_-]{1,128}$/.test(qualifierParameter)) {
    throw validation(
      qualifierParameter,
      'qualifier',
      'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)',
    );
  }
  if (
    nameQualifier !== undefined &&
    qualifierParameter !== null &&
    nameQualifier !== qualifierParameter
  ) {
    throw new LambdaApiError(
      'InvalidParameterValueException',
      400,
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  const qualifier = nameQualifier ?? qualifierParameter ?? undefined;
  const arn = `arn:aws:lambda:${region ?? request.region}:${account ?? request.accountId}:function:${name}`;
  if (account !== undefined && account !== request.accountId) {
    throw new LambdaApiError(
      'AccessDeniedException',
      403,
      `User is not authorized to perform: lambda:InvokeFunction on resource: ${arn} because no resource-based policy allows the lambda:InvokeFunction action`,
    );
  }
  // Every Region has every function, but an ARN of another Region names a function that is not
  // behind this Region's endpoint.
  const fn =
    region === undefined || region === request.region
      ? host.functions.find((candidate) => candidate.lambdaName === name)
      : undefined;
  if (fn === undefined) throw notFound(arn);
  if (qualifier !== undefined && qualifier !== '$LATEST') throw notFound(`${arn}:${qualifier}`);
  return { fn, arn };
};

const parsePayload = (body: Buffer): unknown => {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new LambdaApiError(
      'InvalidRequestContentException',
      400,
      `Could not parse request body into json: ${(error as Error).message}`,
    );
  }
};

const parseClientContext = (encoded: string | undefined): unknown => {
  if (encoded === undefined || encoded === '') return undefined;
  if (encoded.length > CLIENT_CONTEXT_LIMIT) {
    throw new LambdaApiError(
      'InvalidRequestContentException',
      400,
      `Client context must be at most ${CLIENT_CONTEXT_LIMIT} bytes of base64-encoded data.`,
    );
  }
  try {
    return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new LambdaApiError(
      'InvalidRequestContentException',
      400,
      'Client context must be a valid Base64-encoded JSON object.',
    );
  }
};

const enumHeader = <T extends string>(
  request: ServiceRequest,
  name: string,
  member: string,
  allowed: readonly T[],
  fallback: T,
): T => {
  const value = header(request, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw validation(value, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
};

/** The runtime's error payload, as the Node.js runtime serialises an unhandled error. */
const errorPayload = (result: Extract<InvocationResult, { ok: false }>): string =>
  JSON.stringify({
    errorType: result.error.name,
    errorMessage: result.error.message,
    trace: result.error.trace ?? [],
  });

/** The execution log of one invocation, framed by the lines Lambda writes, as its last 4 KB. */
const logTail = (result: InvocationResult): string => {
  const id = result.requestId;
  const lines = [`START RequestId: ${id} Version: $LATEST\n`, result.log];
  if (result.log !== '' && !result.log.endsWith('\n')) lines.push('\n');
  if (!result.ok) {
    lines.push(
      `${new Date().toISOString()}\t${id}\tERROR\tInvoke Error \t${errorPayload(result)}\n`,
    );
  }
  const duration = result.durationMs.toFixed(2);
  lines.push(
    `END RequestId: ${id}\n`,
    `REPORT RequestId: ${id}\tDuration: ${duration} ms\tBilled Duration: ${Math.ceil(result.durationMs)} ms\t\n`,
  );
  const bytes = Buffer.from(lines.join(''), 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('base64');
};

/** Lambda's LastModified format: `2026-01-01T00:00:00.000+0000`. */
const lastModified = (at: Date): string => at.toISOString().replace('Z', '+0000');

/** Builds the local Lambda service. */
export const createLocalLambda = (options: LocalLambdaOptions): LocalLambda => {
  const startedAt = new Date();
  const asyncRuns: Promise<AsyncInvocationRecord>[] = [];
  const retries = options.asyncRetries ?? 2;

  const noFunctions: Pick<FunctionHost, 'functions'> = { functions: [] };

  const runAsync = async (
    host: FunctionHost,
    fn: LocalFunction,
    payload: unknown,
    region: string,
    requestId: string,
  ): Promise<AsyncInvocationRecord> => {
    let last: InvocationResult | undefined;
    for (let attempt = 1; attempt <= retries + 1; attempt += 1) {
      try {
        last = await host.run(fn, payload, region);
      } catch (error) {
        // Nobody awaits an Event invocation: a host failure becomes a failed attempt.
        last = {
          ok: false,
          requestId,
          error: { name: 'ServiceException', message: String(error) },
          log: '',
          durationMs: 0,
        };
      }
      if (last.ok)
        return { functionName: fn.lambdaName, region, requestId, attempts: attempt, ok: true };
      options.onAsyncFailure?.(
        `${fn.lambdaName} (${region}) asynchronous invocation ${requestId} attempt ${attempt} failed: ${last.error.name}`,
      );
    }
    const error = last !== undefined && !last.ok ? `${last.error.name}: ${last.error.message}` : '';
    return {
      functionName: fn.lambdaName,
      region,
      requestId,
      attempts: retries + 1,
      ok: false,
      error,
    };
  };

  const invoke = async (request: ServiceRequest, route: Route): Promise<ServiceResponse> => {
    const host = options.host();
    const type = enumHeader<InvocationType>(
      request,
      'x-amz-invocation-type',
      'invocationType',
      INVOCATION_TYPES,
      'RequestResponse',
    );
    const logType = enumHeader(request, 'x-amz-log-type', 'logType', ['None', 'Tail'], 'None');
    const { fn, arn } = resolveFunction(
      host ?? noFunctions,
      request,
      route.functionName ?? '',
      route.query.get('Qualifier'),
    );
    // Unreachable without a host (no function resolves), but it narrows `host`.
    if (host === undefined) throw notFound(arn);
    const limit = type === 'Event' ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT;
    if (request.body.length > limit) {
      throw new LambdaApiError(
        'RequestTooLargeException',
        413,
        `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
      );
    }
    const payload = parsePayload(request.body);
    const clientContext = parseClientContext(header(request, 'x-amz-client-context'));
    const requestId = randomUUID();
    const base = { operation: 'Invoke', secretId: fn.lambdaName };
    if (type === 'DryRun') {
      return {
        ...base,
        status: 204,
        headers: { 'x-amzn-requestid': requestId },
        body: '',
        outcome: 'ok',
      };
    }
    if (type === 'Event') {
      asyncRuns.push(runAsync(host, fn, payload, request.region, requestId));
      return {
        ...base,
        status: 202,
        headers: { 'x-amzn-requestid': requestId },
        body: '',
        outcome: 'ok',
      };
    }
    // Only synchronous invocations pass ClientContext to the function, as Lambda documents.
    const result = await host.run(
      fn,
      payload,
      request.region,
      clientContext === undefined ? {} : { clientContext },
    );
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amz-executed-version': '$LATEST',
      'x-amzn-requestid': result.requestId,
    };
    if (logType === 'Tail') headers['x-amz-log-result'] = logTail(result);
    // The function's own failure: still HTTP 200, flagged by X-Amz-Function-Error.
    const functionError = (body: string): ServiceResponse => ({
      ...base,
      status: 200,
      headers: { ...headers, 'x-amz-function-error': 'Unhandled' },
      body,
      outcome: 'FunctionError',
    });
    if (!result.ok) return functionError(errorPayload(result));
    const body = JSON.stringify(result.payload ?? null);
    if (Buffer.byteLength(body) > SYNC_PAYLOAD_LIMIT) {
      return functionError(
        JSON.stringify({
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${SYNC_PAYLOAD_LIMIT} bytes).`,
        }),
      );
    }
    return { ...base, status: 200, headers, body, outcome: 'ok' };
  };

  const configuration = (request: ServiceRequest, route: Route): ServiceResponse => {
    const { fn, arn } = resolveFunction(
      options.host() ?? noFunctions,
      request,
      route.functionName ?? '',
      route.query.get('Qualifier'),
    );
    const handlerModule = relative(options.projectRoot, fn.modulePath).replace(/\.ts$/, '');
    const body = {
      FunctionName: fn.lambdaName,
      FunctionArn: arn,
      Runtime: 'nodejs22.x',
      Handler: `${handlerModule}.${fn.exportName}`,
      CodeSize: 0,
      Description: '',
      Timeout: fn.timeoutSeconds,
      LastModified: lastModified(startedAt),
      Version: '$LATEST',
      Environment: { Variables: { ...fn.environment } },
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
    };
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
      body: JSON.stringify(body),
      operation: 'GetFunctionConfiguration',
      secretId: fn.lambdaName,
      outcome: 'ok',
    };
  };

  return {
    // Read a 6 MB payload whole, so the quota below answers it; far larger ones are refused
    // at the door with the same error.
    requestLimit: { bytes: SYNC_PAYLOAD_LIMIT + 65_536, code: 'RequestTooLargeException' },
    identify: ({ method, path }) => {
      const route = routeOf(method, path);
      return { operation: route.operation, resource: route.functionName };
    },
    handle: async (request) => {
      const route = routeOf(request.method, request.path);
      try {
        if (route.operation === 'Invoke') return await invoke(request, route);
        if (route.operation === 'GetFunctionConfiguration') return configuration(request, route);
        throw new LambdaApiError(
          'UnknownOperationException',
          404,
          `The local Lambda API implements Invoke and GetFunctionConfiguration; not ${request.method} ${request.path.split('?')[0]}.`,
        );
      } catch (error) {
        if (error instanceof LambdaApiError) {
          return errorResponse(error, route.operation, route.functionName);
        }
        console.error(`local cloud: Lambda ${route.operation} failed unexpectedly`, error);
        return errorResponse(
          new LambdaApiError(
            'ServiceException',
            500,
            'The Lambda service encountered an internal error.',
          ),
          route.operation,
          route.functionName,
        );
      }
    },
    asyncSettled: async () => {
      let count = -1;
      let records: AsyncInvocationRecord[] = [];
      while (count !== asyncRuns.length) {
        count = asyncRuns.length;
        records = await Promise.all(asyncRuns.slice(0, count));
      }
      return records;
    },
  };
};
