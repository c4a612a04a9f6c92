/**
 * Raw HTTP requests to the local cloud, for what an SDK never sends: odd Host headers, unknown
 * targets, hostile bodies, bodies larger than the endpoint accepts.
 *
 * No vitest import here: the hostile-input harness runs outside a test run too.
 */
import { request } from 'node:http';

/** The answer, with the JSON error code when the body is a JSON 1.1 error. */
export interface RawAnswer {
  readonly status: number;
  readonly code: string | undefined;
  readonly body: string;
}

export interface RawRequest {
  readonly port: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as is; a generator streams chunks until the server answers or the chunks run out. */
  readonly body?: string | Buffer | Iterable<Buffer>;
  /** Give up (reject) when no answer came within this long: a hung server fails the caller. */
  readonly timeoutMs?: number;
}

/** A Secrets Manager request's headers: JSON 1.1, a target, a SigV4-shaped scope. */
export const secretsManagerHeaders = (
  port: number,
  operation: string,
  region = 'us-east-1',
): Record<string, string> => ({
  host: `127.0.0.1:${port}`,
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `secretsmanager.${operation}`,
  authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/${region}/secretsmanager/aws4_request, SignedHeaders=host, Signature=0`,
});

const codeOf = (body: string, header: string | string[] | undefined): string | undefined => {
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined) return fromHeader.split(':')[0];
  // The Query protocol's XML error (RDS): <Error><Code>…</Code>.
  const xml = /<Code>([^<]+)<\/Code>/.exec(body);
  if (xml !== null) return xml[1];
  try {
    const parsed = JSON.parse(body) as { __type?: unknown };
    return typeof parsed.__type === 'string' ? parsed.__type.split('#').at(-1) : undefined;
  } catch {
    return undefined;
  }
};

/** Sends one request; resolves the answer, or rejects on a network error or the timeout. */
export const rawRequest = (input: RawRequest): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      // The Host header is the caller's to choose (or leave out): setHost is off.
      {
        host: '127.0.0.1',
        port: input.port,
        method: 'POST',
        path: '/',
        headers: input.headers,
        setHost: false,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            code: codeOf(body, res.headers['x-amzn-errortype']),
            body,
          });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${input.timeoutMs ?? 10_000} ms`));
    }, input.timeoutMs ?? 10_000);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    const { body } = input;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    const chunks = body[Symbol.iterator]();
    const pump = (): void => {
      for (;;) {
        if (answered || req.destroyed) return;
        const next = chunks.next();
        if (next.done === true) {
          req.end();
          return;
        }
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
