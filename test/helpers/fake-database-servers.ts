/**
 * Tiny impostor database servers on loopback, for TLS-stripping tests: they speak just enough of
 * the PostgreSQL or MySQL protocol to ask a client for its password the weakest way, and record
 * every byte the client sends after the greeting, so a test can prove no password left.
 * https://www.postgresql.org/docs/current/protocol-flow.html
 * https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type ServerIdentity, startServerTls } from './tls-upgrade.js';

/** The impostor's TLS identity (a certificate nobody trusts unless told to). */
export type ImpostorTls = ServerIdentity;

export interface ImpostorServer {
  readonly port: number;
  /** Everything clients sent after the server's first answer, per connection, concatenated. */
  received(): Buffer;
  /** Whether `secret` appears anywhere in what clients sent. */
  heard(secret: string): boolean;
  close(): Promise<void>;
}

const listen = async (
  onSocket: (socket: Socket, record: (data: Buffer) => void) => void,
): Promise<ImpostorServer> => {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const record = (data: Buffer): void => {
    chunks.push(Buffer.from(data));
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket, record);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    received: () => Buffer.concat(chunks),
    heard: (secret) => Buffer.concat(chunks).includes(Buffer.from(secret, 'utf8')),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};

/** How the PostgreSQL impostor asks for the password. */
export type PostgresAuthRequest = 'cleartext' | 'md5';

const pgMessage = (type: string, body: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};

const authRequest = (kind: PostgresAuthRequest): Buffer => {
  const body = Buffer.alloc(kind === 'md5' ? 8 : 4);
  body.writeInt32BE(kind === 'md5' ? 5 : 3, 0);
  if (kind === 'md5') body.write('salt', 4, 'latin1');
  return pgMessage('R', body);
};

const SSL_REQUEST_CODE = 80877103;

/**
 * A PostgreSQL impostor: answers an SSLRequest with 'N', or with 'S' and a TLS handshake when
 * `tls` is given; then answers the startup message by asking for the password as `auth` says.
 * Whatever the client sends after that is recorded.
 */
export const startPostgresImpostor = (
  auth: PostgresAuthRequest,
  tls?: ImpostorTls,
): Promise<ImpostorServer> =>
  listen((socket, record) => {
    let stream: Socket | TLSSocket = socket;
    let buffered: Buffer = Buffer.alloc(0);
    let askedForPassword = false;
    const onData = (data: Buffer): void => {
      if (askedForPassword) {
        record(data);
        return;
      }
      buffered = Buffer.concat([buffered, data]);
      if (buffered.length < 8) return;
      const length = buffered.readInt32BE(0);
      if (buffered.length < length) return;
      const code = buffered.readInt32BE(4);
      buffered = buffered.subarray(length);
      if (code === SSL_REQUEST_CODE) {
        if (tls === undefined) {
          stream.write('N');
          return;
        }
        socket.write('S');
        stream = startServerTls(socket, tls, buffered);
        buffered = Buffer.alloc(0);
        stream.on('data', onData);
        return;
      }
      // The startup message: ask for the password, then record whatever comes.
      askedForPassword = true;
      stream.write(authRequest(auth));
      if (buffered.length > 0) record(buffered);
    };
    stream.on('data', onData);
  });

/** How the MySQL impostor asks for the password. */
export type MysqlAuthRequest =
  /** Greets with mysql_native_password, then switches to mysql_clear_password. */
  | 'switch-to-clear-password'
  /** Greets with sha256_password, which sends the password in the clear over TLS. */
  | 'sha256-password';

const CLIENT_SSL = 0x800;
const CAPABILITIES =
  0x1 | // CLIENT_LONG_PASSWORD
  0x8 | // CLIENT_CONNECT_WITH_DB
  0x200 | // CLIENT_PROTOCOL_41
  0x8000 | // CLIENT_SECURE_CONNECTION
  0x80000; // CLIENT_PLUGIN_AUTH

const mysqlPacket = (sequence: number, payload: Buffer): Buffer => {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header.writeUInt8(sequence & 0xff, 3);
  return Buffer.concat([header, payload]);
};

const greeting = (plugin: string, offersTls: boolean): Buffer => {
  const capabilities = CAPABILITIES | (offersTls ? CLIENT_SSL : 0);
  const head = Buffer.alloc(2);
  const flags = Buffer.alloc(13);
  flags.writeUInt16LE(capabilities & 0xffff, 0);
  flags.writeUInt8(33, 2); // utf8_general_ci
  flags.writeUInt16LE(2, 3); // SERVER_STATUS_AUTOCOMMIT
  flags.writeUInt16LE(capabilities >>> 16, 5);
  flags.writeUInt8(21, 7); // auth plugin data length
  head.writeUInt8(10, 0);
  return Buffer.concat([
    head.subarray(0, 1),
    Buffer.from('5.5.5-10.11.0-impostor\0', 'latin1'),
    Buffer.from([1, 0, 0, 0]), // connection id
    Buffer.from('abcdefgh', 'latin1'), // scramble, part 1
    Buffer.from([0]),
    flags.subarray(0, 8),
    Buffer.alloc(10),
    Buffer.from('ijklmnopqrst\0', 'latin1'), // scramble, part 2
    Buffer.from(`${plugin}\0`, 'latin1'),
  ]);
};

/**
 * A MySQL impostor: greets (offering TLS when `tls` is given), upgrades to TLS if asked, and
 * asks for the password as `auth` says. Whatever the client sends after the greeting is
 * recorded.
 */
export const startMysqlImpostor = (
  auth: MysqlAuthRequest,
  tls?: ImpostorTls,
): Promise<ImpostorServer> =>
  listen((socket, record) => {
    let stream: Socket | TLSSocket = socket;
    let buffered: Buffer = Buffer.alloc(0);
    let answered = false;
    const plugin = auth === 'sha256-password' ? 'sha256_password' : 'mysql_native_password';
    socket.write(mysqlPacket(0, greeting(plugin, tls !== undefined)));
    const onData = (data: Buffer): void => {
      record(data);
      if (answered) return;
      buffered = Buffer.concat([buffered, data]);
      if (buffered.length < 4) return;
      const length = buffered.readUIntLE(0, 3);
      if (buffered.length < 4 + length) return;
      const sequence = buffered.readUInt8(3);
      const payload = buffered.subarray(4, 4 + length);
      buffered = buffered.subarray(4 + length);
      // A 32-byte payload with CLIENT_SSL set is the SSL request: TLS follows.
      if (tls !== undefined && length === 32 && (payload.readUInt32LE(0) & CLIENT_SSL) !== 0) {
        stream = startServerTls(socket, tls, buffered);
        buffered = Buffer.alloc(0);
        stream.on('data', onData);
        return;
      }
      // As a server does when the client answered with another plugin: switch to ours. (A
      // client that used ours directly has already sent what it would send: it is recorded.)
      answered = true;
      const wanted = auth === 'sha256-password' ? 'sha256_password' : 'mysql_clear_password';
      const request = Buffer.concat([
        Buffer.from([0xfe]),
        Buffer.from(`${wanted}\0`, 'latin1'),
        Buffer.from('abcdefghijklmnopqrst\0', 'latin1'),
      ]);
      stream.write(mysqlPacket(sequence + 1, request));
    };
    stream.on('data', onData);
  });
