/**
 * A loopback proxy between the rotation function and a real PostgreSQL or MariaDB server. It
 * ends the client's TLS with a certificate of the harness's own CA (the function verifies it, as
 * it verifies any server), opens verified TLS to the server, and reads the two protocols just
 * enough to number every SQL statement (interceptor.ts) and find the end of its answer. At a
 * chosen statement it holds it back (crash before), holds back its answer (crash after), or lets
 * it hang; it can also drop every connection and refuse new ones for a while (a restart, an
 * outage). Nothing it logs or reports holds a value.
 */
import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { type ServerIdentity, startServerTls } from '#test/helpers/tls-upgrade.js';
import { type Action, type Interceptor, statementLabel } from './interceptor.js';
import {
  greetingCapabilities,
  MYSQL_CLIENT_DEPRECATE_EOF,
  MYSQL_CLIENT_SSL,
  MYSQL_COM_QUERY,
  MYSQL_COM_STMT_EXECUTE,
  MYSQL_COM_STMT_PREPARE,
  MysqlAnswer,
  type MysqlPacket,
  MysqlPackets,
  mysqlQueryText,
  PG_GSSENC_REQUEST,
  PG_SSL_REQUEST,
  type PgMessage,
  PgMessages,
  PgStartup,
  pgQueryText,
} from './wire.js';

export interface SqlProxyOptions {
  readonly engine: 'postgres' | 'mariadb';
  /** The real server, and the CA that verifies it. */
  readonly upstream: { readonly host: string; readonly port: number; readonly caPem: string };
  /** The proxy's own certificate (SAN 127.0.0.1), from a CA the function is told to trust. */
  readonly identity: ServerIdentity;
  readonly interceptor: Interceptor;
  /** Called once a crash action has reached its moment; the harness kills the function. */
  readonly onCrash: () => void;
}

/** One client connection and its upstream. */
interface Pair {
  client: Duplex;
  server: Duplex | undefined;
  readonly sockets: Set<Socket | TLSSocket>;
}

const SSL_REQUEST_BYTES = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** The proxy. `start()` listens on a free loopback port. */
export class SqlProxy {
  readonly #options: SqlProxyOptions;
  readonly #pairs = new Set<Pair>();
  #server: Server | undefined;
  #port = 0;
  #frozen = false;
  #refusing = false;

  private constructor(options: SqlProxyOptions) {
    this.#options = options;
  }

  public static async start(options: SqlProxyOptions): Promise<SqlProxy> {
    const proxy = new SqlProxy(options);
    await proxy.#listen(0);
    return proxy;
  }

  public get port(): number {
    return this.#port;
  }

  /** Stops forwarding anything, in both directions, on every connection (a crash begins). */
  public freeze(): void {
    this.#frozen = true;
  }

  /** Drops every connection (the server sees the client go) and forwards again. */
  public resetAll(): void {
    for (const pair of this.#pairs) this.#destroy(pair);
    this.#frozen = false;
  }

  /**
   * The database goes away for `ms`: every connection is dropped at once and new ones are
   * refused (nothing listens) until it is back. Resolves when it is back.
   */
  public async outage(ms: number): Promise<void> {
    this.#refusing = true;
    // Stop accepting, drop what is open (close() waits for it), and wait for both.
    const closed = new Promise<void>(
      (resolve) => this.#server?.close(() => resolve()) ?? resolve(),
    );
    for (const pair of this.#pairs) this.#destroy(pair);
    await closed;
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.#refusing = false;
    await this.#listen(this.#port);
  }

  public async close(): Promise<void> {
    this.#refusing = true;
    for (const pair of this.#pairs) this.#destroy(pair);
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  async #listen(port: number): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.#port = typeof address === 'object' && address !== null ? address.port : port;
    this.#server = server;
  }

  #accept(socket: Socket): void {
    if (this.#refusing) {
      socket.destroy();
      return;
    }
    socket.on('error', () => undefined);
    const pair: Pair = { client: socket, server: undefined, sockets: new Set([socket]) };
    this.#pairs.add(pair);
    socket.on('close', () => this.#destroy(pair));
    if (this.#options.engine === 'postgres') this.#postgres(pair, socket);
    else this.#mysql(pair, socket);
  }

  #destroy(pair: Pair): void {
    this.#pairs.delete(pair);
    for (const socket of pair.sockets) socket.destroy();
    pair.client.destroy();
    pair.server?.destroy();
  }

  #write(target: Duplex | undefined, data: Buffer | string): void {
    if (this.#frozen || target === undefined || target.destroyed) return;
    target.write(data);
  }

  /** A plain TCP connection to the real server, tracked with the pair. */
  async #connectUpstream(pair: Pair): Promise<Socket> {
    const { host, port } = this.#options.upstream;
    const socket = connectTcp({ host, port });
    pair.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.#destroy(pair));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  /** Verified TLS to the real server over `socket`. */
  async #upstreamTls(pair: Pair, socket: Socket): Promise<TLSSocket> {
    const secure = connectTls({
      socket,
      ca: this.#options.upstream.caPem,
      host: this.#options.upstream.host,
      rejectUnauthorized: true,
    });
    pair.sockets.add(secure);
    secure.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    return secure;
  }

  /**
   * What to do with a statement: asks the interceptor, and for a crash or hang stops this
   * pair's forwarding as the action needs. Returns true when the statement must be forwarded.
   */
  #judge(label: string, onCrashAfter: () => void): { forward: boolean; action: Action } {
    const action = this.#options.interceptor.decide('sql', statementLabel(label));
    switch (action) {
      case 'pass':
        return { forward: true, action };
      case 'crash-before':
        this.#frozen = true;
        this.#options.onCrash();
        return { forward: false, action };
      case 'crash-after':
        onCrashAfter();
        return { forward: true, action };
      case 'hang':
        return { forward: false, action };
    }
  }

  // PostgreSQL: startup (SSLRequest, then the startup message), authentication until the first
  // ReadyForQuery, then statements: a Query message, or Parse…Sync.
  #postgres(pair: Pair, raw: Socket): void {
    const startup = new PgStartup();
    const fromClient = new PgMessages();
    const fromServer = new PgMessages();
    let phase: 'startup' | 'session' = 'startup';
    let ready = false;
    let hung = false;
    let holdingAnswer = false;
    let unit: PgMessage[] = [];
    let chain = Promise.resolve();

    const onServer = (data: Buffer): void => {
      for (const message of fromServer.push(data)) {
        if (holdingAnswer) {
          if (message.type === 'Z') {
            this.#frozen = true;
            this.#options.onCrash();
          }
          continue;
        }
        if (message.type === 'Z') ready = true;
        this.#write(pair.client, message.raw);
      }
    };

    const onStatementUnit = (): void => {
      const messages = unit;
      unit = [];
      const carrier = messages.find((m) => m.type === 'Q' || m.type === 'P');
      const verdict = this.#judge(carrier ? pgQueryText(carrier) : 'EXECUTE', () => {
        holdingAnswer = true;
      });
      if (verdict.action === 'hang') hung = true;
      if (verdict.forward) {
        for (const message of messages) this.#write(pair.server, message.raw);
      }
    };

    const onClientSession = (data: Buffer): void => {
      if (hung) return;
      for (const message of fromClient.push(data)) {
        if (!ready) {
          // Authentication messages (passwords, SASL): forwarded, never read.
          this.#write(pair.server, message.raw);
          continue;
        }
        unit.push(message);
        if (message.type === 'X') {
          for (const queued of unit) this.#write(pair.server, queued.raw);
          unit = [];
        } else if (message.type === 'Q' || message.type === 'S') {
          onStatementUnit();
        }
      }
    };

    const onClientStartup = async (data: Buffer): Promise<void> => {
      for (const frame of startup.push(data)) {
        const code = frame.readInt32BE(4);
        if (code === PG_GSSENC_REQUEST) {
          this.#write(pair.client, 'N');
          continue;
        }
        if (code === PG_SSL_REQUEST && pair.server === undefined) {
          const upstream = await this.#connectUpstream(pair);
          upstream.write(SSL_REQUEST_BYTES);
          const answer = await new Promise<Buffer>((resolve) => upstream.once('data', resolve));
          if (answer[0] !== 'S'.charCodeAt(0)) throw new Error('the server refused TLS');
          pair.server = await this.#upstreamTls(pair, upstream);
          pair.server.on('data', onServer);
          raw.write('S');
          const secure = startServerTls(raw, this.#options.identity, startup.rest());
          pair.sockets.add(secure);
          pair.client = secure;
          secure.on('data', (more: Buffer) => {
            chain = chain.then(() => route(more)).catch(() => this.#destroy(pair));
          });
          return;
        }
        if (pair.server === undefined) {
          pair.server = await this.#connectUpstream(pair);
          pair.server.on('data', onServer);
        }
        // The startup message (or a CancelRequest): from here on, typed messages.
        this.#write(pair.server, frame);
        phase = 'session';
        const rest = startup.rest();
        if (rest.length > 0) onClientSession(rest);
        return;
      }
    };

    const route = async (data: Buffer): Promise<void> => {
      if (phase === 'startup') await onClientStartup(data);
      else onClientSession(data);
    };

    raw.on('data', (data: Buffer) => {
      chain = chain.then(() => route(data)).catch(() => this.#destroy(pair));
    });
  }

  // MySQL/MariaDB: the server greets first; the client may ask for TLS (a 32-byte packet with
  // CLIENT_SSL), then authenticates until the server's first OK; then each command starts with
  // sequence 0. The client's TLS hello follows its request at once, so TLS toward the client
  // starts in the same turn (nothing may read those bytes as packets), while TLS toward the
  // server is still being set up: the client's later packets wait for it.
  #mysql(pair: Pair, raw: Socket): void {
    const fromClient = new MysqlPackets();
    let fromServer = new MysqlPackets();
    let serverCapabilities = 0;
    let deprecateEof = false;
    let greeted = false;
    let authenticated = false;
    let hung = false;
    let answer: MysqlAnswer | undefined;
    let upstreamReady: Promise<void> = Promise.resolve();

    const onServerPacket = (packet: MysqlPacket): void => {
      if (!greeted) {
        greeted = true;
        serverCapabilities = greetingCapabilities(packet.payload);
      } else if (!authenticated && packet.payload[0] === 0x00) {
        // Only the server's final answer to authentication is an OK (0x00).
        authenticated = true;
      }
      if (answer !== undefined) {
        if (answer.push(packet)) {
          this.#frozen = true;
          this.#options.onCrash();
        }
        return;
      }
      this.#write(pair.client, packet.raw);
    };

    const onServer = (data: Buffer): void => {
      for (const packet of fromServer.push(data)) onServerPacket(packet);
    };

    const onClientPacket = (packet: MysqlPacket): void => {
      if (!authenticated) {
        if (packet.payload.length >= 4 && packet.sequence <= 2) {
          // The handshake response: what the client can do, with the server's, decides EOFs.
          const clientCapabilities = packet.payload.readUInt32LE(0);
          deprecateEof =
            (clientCapabilities & serverCapabilities & MYSQL_CLIENT_DEPRECATE_EOF) !== 0;
        }
        this.#write(pair.server, packet.raw);
        return;
      }
      const command = packet.payload[0];
      const isStatement =
        packet.sequence === 0 &&
        (command === MYSQL_COM_QUERY ||
          command === MYSQL_COM_STMT_PREPARE ||
          command === MYSQL_COM_STMT_EXECUTE);
      if (!isStatement) {
        this.#write(pair.server, packet.raw);
        return;
      }
      const text = command === MYSQL_COM_STMT_EXECUTE ? 'EXECUTE' : mysqlQueryText(packet.payload);
      const verdict = this.#judge(text, () => {
        answer = new MysqlAnswer(deprecateEof);
      });
      if (verdict.action === 'hang') hung = true;
      if (verdict.forward) this.#write(pair.server, packet.raw);
    };

    const onSecureClient = (data: Buffer): void => {
      // In order, once TLS toward the server is up.
      upstreamReady = upstreamReady.then(() => {
        if (hung) return;
        for (const packet of fromClient.push(data)) onClientPacket(packet);
      });
      upstreamReady.catch(() => this.#destroy(pair));
    };

    const onPlainClient = (data: Buffer): void => {
      if (hung) return;
      for (const packet of fromClient.push(data)) {
        const isSslRequest =
          packet.payload.length === 32 && (packet.payload.readUInt32LE(0) & MYSQL_CLIENT_SSL) !== 0;
        if (!isSslRequest || pair.server === undefined) {
          onClientPacket(packet);
          continue;
        }
        this.#write(pair.server, packet.raw);
        const upstream = pair.server as Socket;
        upstream.removeAllListeners('data');
        upstreamReady = this.#upstreamTls(pair, upstream).then((secure) => {
          pair.server = secure;
          fromServer = new MysqlPackets();
          secure.on('data', onServer);
        });
        const secure = startServerTls(raw, this.#options.identity, fromClient.rest());
        pair.sockets.add(secure);
        pair.client = secure;
        secure.on('data', onSecureClient);
        return;
      }
    };

    this.#connectUpstream(pair).then(
      (upstream) => {
        pair.server = upstream;
        upstream.on('data', onServer);
        raw.on('data', onPlainClient);
      },
      () => this.#destroy(pair),
    );
  }
}
