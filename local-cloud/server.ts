/**
 * The local cloud's HTTP endpoint on 127.0.0.1. Each request is routed by the service name in its
 * SigV4 credential scope (`Credential=AKID/<date>/<region>/<service>/aws4_request`) to a
 * ServiceHandler; the scope's Region selects the Region. Signatures are not verified (any
 * credentials work), as with other local emulators. Faults are applied here, before a service
 * sees the request, and every request is written to the request log.
 *
 * Anything on the host can reach a loopback port, web pages included, so two checks come before
 * a request is even read: its Host header must name a loopback address (a page that rebinds its
 * own DNS name to 127.0.0.1 still sends that name as Host), and its body may not exceed
 * {@link MAX_REQUEST_BODY_BYTES} (or the service's own `requestLimit`: Lambda takes 6 MB
 * payloads), counted while it streams in, so a huge body is never buffered.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FaultController } from './faults.js';
import type { RequestLogWriter } from './request-log.js';
import type { RequestLogEntry, ServiceHandler, ServiceResponse } from './types.js';

export interface ServerOptions {
  readonly port: number;
  readonly accountId: string;
  readonly services: Readonly<Record<string, ServiceHandler>>;
  readonly faults: FaultController;
  readonly log: RequestLogWriter;
}

export interface RunningServer {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The largest request body accepted. Secrets Manager's largest request, CreateSecret with a
 * 65,536-byte SecretString (and SecretBinary), 50 tags and a description, stays under 400 KB even
 * with every character of the value escaped in JSON; 1 MiB leaves room and still bounds memory.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
 */
export const MAX_REQUEST_BODY_BYTES = 1_048_576;

/**
 * A Region name as AWS spells them (`us-east-1`, `us-gov-west-1`): anything else in a SigV4
 * scope is refused, so no request can make a Region called `__proto__` or fill memory with
 * Regions nobody can name again.
 */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/;

/** Host headers the endpoint answers: loopback names, with or without a port. */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?$/i;

/** True when a request's Host header names a loopback address (127.0.0.1, localhost, [::1]). */
const isLoopbackHost = (host: string | undefined): boolean =>
  host !== undefined && LOOPBACK_HOST.test(host);

const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** Access key, Region and service from the Authorization header's credential scope. */
export const parseCredentialScope = (
  authorization: string | undefined,
): { accessKeyId: string; region: string; service: string } | undefined => {
  const match = authorization === undefined ? null : SCOPE.exec(authorization);
  return match?.[1] !== undefined && match[2] !== undefined && match[3] !== undefined
    ? { accessKeyId: match[1], region: match[2], service: match[3] }
    : undefined;
};

const firstHeader = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** The API operation, from `X-Amz-Target` (JSON protocols) or the `Action` form field (query). */
export const operationOf = (req: IncomingMessage, body: Buffer): string => {
  const target = firstHeader(req.headers['x-amz-target']);
  if (target !== undefined) return target.slice(target.lastIndexOf('.') + 1);
  const contentType = firstHeader(req.headers['content-type']) ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown';
  }
  return 'Unknown';
};

/** The secret a JSON request names (for the log of requests that never reached their service). */
const secretIdOf = (body: Buffer): string | undefined => {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const id = parsed.SecretId ?? parsed.Name;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};

const jsonError = (code: string, status: number, message: string) => ({
  status,
  headers: {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-errortype': code,
    'x-amzn-requestid': randomUUID(),
  },
  body: JSON.stringify({ __type: code, message }),
});

/**
 * The request body, or `'too-large'` as soon as it is known to exceed `limit` bytes: from its
 * Content-Length before reading anything, else while it streams in. What was read is dropped.
 */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const declared = Number(firstHeader(req.headers['content-length']));
    if (Number.isFinite(declared) && declared > limit) {
      resolve('too-large');
      return;
    }
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      chunks = [];
      resolve('too-large');
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size <= limit) {
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      }
    });
    req.on('error', reject);
  });

/** A refusal sent before the request was read: the connection closes after it. */
const refuse = (
  req: IncomingMessage,
  res: ServerResponse,
  answer: ReturnType<typeof jsonError>,
): void => {
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-length': Buffer.byteLength(answer.body),
    connection: 'close',
  });
  res.end(answer.body);
  // Stop receiving whatever the client still sends, once the answer is on its way.
  res.once('finish', () => req.socket.destroy());
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const isLoggedService = (service: string): service is RequestLogEntry['service'] =>
  service === 'secretsmanager' ||
  service === 'rds' ||
  service === 'monitoring' ||
  service === 'lambda';

/** Starts listening on 127.0.0.1 (`port` 0 picks a free one). */
export const startServer = async (options: ServerOptions): Promise<RunningServer> => {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedAt = new Date();
    const started = performance.now();
    const scope = parseCredentialScope(firstHeader(req.headers.authorization));
    const record = (logged: Pick<ServiceResponse, 'operation' | 'secretId' | 'outcome'>) => {
      // Unsigned requests are logged too, under the service their target names.
      const logService =
        scope?.service ??
        (firstHeader(req.headers['x-amz-target'])?.startsWith('secretsmanager.')
          ? 'secretsmanager'
          : '');
      if (!isLoggedService(logService)) return;
      options.log.record({
        service: logService,
        operation: logged.operation,
        region: scope?.region ?? '',
        caller: scope?.accessKeyId,
        secretId: logged.secretId,
        outcome: logged.outcome,
        durationMs: performance.now() - started,
        startedAt,
      });
    };
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    // An own property only: a scope naming `constructor` or `__proto__` is no service.
    const service =
      scope === undefined || !Object.hasOwn(options.services, scope.service)
        ? undefined
        : options.services[scope.service];
    // A REST service (Lambda) names its operation and resource in the method and path.
    const named = service?.identify?.({ method, path });
    const refused = (code: string, status: number, message: string): void => {
      refuse(req, res, jsonError(code, status, message));
      record({
        operation: named?.operation ?? operationOf(req, Buffer.alloc(0)),
        secretId: named?.resource,
        outcome: code,
      });
    };
    if (!isLoopbackHost(req.headers.host)) {
      refused(
        'AccessDeniedException',
        403,
        'The local cloud answers only requests addressed to a loopback host (127.0.0.1, localhost or [::1]).',
      );
      return;
    }
    const limit = service?.requestLimit ?? {
      bytes: MAX_REQUEST_BODY_BYTES,
      code: 'RequestEntityTooLargeException',
    };
    const read = await readBody(req, limit.bytes);
    if (read === 'too-large') {
      refused(limit.code, 413, `The request body exceeds ${limit.bytes} bytes.`);
      return;
    }
    const body = read;
    const operation = named?.operation ?? operationOf(req, body);
    const resource = named === undefined ? secretIdOf(body) : named.resource;
    let answer: { status: number; headers: Readonly<Record<string, string>>; body: string };
    let logged: Pick<ServiceResponse, 'operation' | 'secretId' | 'outcome'>;
    if (scope === undefined || service === undefined || !REGION_NAME.test(scope.region)) {
      const [code, message] =
        scope === undefined
          ? [
              'MissingAuthenticationTokenException',
              'The request has no SigV4 Authorization header naming a Region and service.',
            ]
          : service === undefined
            ? ['UnknownServiceException', `The local cloud has no service named ${scope.service}.`]
            : ['InvalidSignatureException', 'Credential should be scoped to a valid Region.'];
      answer = jsonError(code, 400, message);
      logged = { operation, secretId: resource, outcome: code };
    } else {
      const decision = options.faults.decide(operation, scope.region);
      if (decision.latencyMs > 0) await sleep(decision.latencyMs);
      const fault = decision.error;
      if (fault !== undefined) {
        answer =
          service.faultResponse?.({ ...fault, operation }) ??
          jsonError(fault.code, fault.status, fault.message);
        logged = { operation, secretId: resource, outcome: fault.code };
      } else {
        const response = await service.handle({
          region: scope.region,
          accountId: options.accountId,
          method,
          path,
          headers: req.headers,
          body,
        });
        answer = response;
        logged = response;
      }
    }
    res.writeHead(answer.status, {
      ...answer.headers,
      'content-length': Buffer.byteLength(answer.body),
    });
    res.end(answer.body);
    record(logged);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('local cloud: request failed', error);
      if (!res.headersSent) {
        const answer = jsonError(
          'InternalServiceError',
          500,
          'An error occurred on the server side.',
        );
        res.writeHead(answer.status, answer.headers);
      }
      res.end();
    });
  });
  // Clients keep connections alive; a short timeout lets stop() finish promptly.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
};
