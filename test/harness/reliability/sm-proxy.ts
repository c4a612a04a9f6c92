/**
 * A loopback HTTP proxy between the rotation function and the local cloud, for the function's
 * Secrets Manager calls only (its AWS_ENDPOINT_URL_SECRETS_MANAGER points here). Each call is a
 * point (interceptor.ts), named by its operation: passed through, held back (crash before), or
 * answered by the local cloud and that answer held back (crash after).
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import type { Interceptor } from './interceptor.js';

export interface SmProxyOptions {
  /** The local cloud's endpoint, `http://127.0.0.1:<port>` (asked per call: it may start later). */
  readonly upstream: () => string;
  readonly interceptor: Interceptor;
  /** Called once a crash action has reached its moment; the harness kills the function. */
  readonly onCrash: () => void;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

const readBody = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

/** The operation an AWS JSON request names in X-Amz-Target (`secretsmanager.GetSecretValue`). */
const operationOf = (req: IncomingMessage): string => {
  const target = req.headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  return value === undefined ? 'Unknown' : value.slice(value.lastIndexOf('.') + 1);
};

export class SmProxy {
  readonly #options: SmProxyOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #frozen = false;
  #endpoint = '';

  private constructor(options: SmProxyOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => res.destroy());
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  public static async start(options: SmProxyOptions): Promise<SmProxy> {
    const proxy = new SmProxy(options);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    const address = proxy.#server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    proxy.#endpoint = `http://127.0.0.1:${port}`;
    return proxy;
  }

  /** Where the function sends its Secrets Manager calls. */
  public get endpoint(): string {
    return this.#endpoint;
  }

  /** Answers nothing more (a crash begins). */
  public freeze(): void {
    this.#frozen = true;
  }

  /** Drops every connection the function had open, and answers again. */
  public resetAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#frozen = false;
  }

  public async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.#frozen) return;
    const action = this.#options.interceptor.decide('sm', operationOf(req));
    if (action === 'hang') return;
    if (action === 'crash-before') {
      this.#frozen = true;
      this.#options.onCrash();
      return;
    }
    const answer = await this.#forward(req, body);
    if (action === 'crash-after') {
      // The call took effect; the function never learns how it went.
      this.#frozen = true;
      this.#options.onCrash();
      return;
    }
    if (this.#frozen) return;
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  #forward(req: IncomingMessage, body: Buffer): Promise<Answer> {
    const upstream = new URL(this.#options.upstream());
    return new Promise((resolve, reject) => {
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (response) => {
          readBody(response).then(
            (answer) =>
              resolve({
                status: response.statusCode ?? 500,
                headers: response.headers,
                body: answer,
              }),
            reject,
          );
        },
      );
      forwarded.on('error', reject);
      forwarded.end(body);
    });
  }
}
