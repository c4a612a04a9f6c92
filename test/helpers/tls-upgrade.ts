/**
 * Server-side TLS started on a socket that already spoke in plain text (PostgreSQL's SSLRequest,
 * MySQL's SSL request packet), for the test servers and proxies that stand in front of a
 * database. Bytes read past the request (a MySQL client sends its TLS hello right behind it) go
 * to the TLS layer first, through a duplex pair, so nothing is lost.
 */
import type { Socket } from 'node:net';
import { duplexPair } from 'node:stream';
import { TLSSocket } from 'node:tls';

/** A certificate and its key, PEM. */
export interface ServerIdentity {
  readonly cert: string;
  readonly key: string;
}

/**
 * Starts TLS as the server on `socket`; `early` holds bytes already read after the request.
 * The plain socket's 'data' listeners are removed: read from the returned TLS socket.
 */
export const startServerTls = (
  socket: Socket,
  identity: ServerIdentity,
  early: Buffer = Buffer.alloc(0),
): TLSSocket => {
  socket.removeAllListeners('data');
  const [inner, outer] = duplexPair();
  if (early.length > 0) outer.write(early);
  socket.on('data', (data: Buffer) => outer.write(data));
  outer.on('data', (data: Buffer) => {
    if (!socket.destroyed) socket.write(data);
  });
  outer.on('error', () => undefined);
  socket.on('close', () => outer.destroy());
  const secure = new TLSSocket(inner, { isServer: true, cert: identity.cert, key: identity.key });
  secure.on('error', () => undefined);
  secure.on('close', () => socket.destroy());
  return secure;
};
