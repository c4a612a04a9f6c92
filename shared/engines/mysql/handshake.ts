/**
 * Reads whether a MySQL/MariaDB server offers TLS, from the capability flags of its initial
 * handshake packet, which the server sends before any authentication. Used by `tls: 'prefer'`
 * so that one login attempt goes straight to TLS or plain, never plain after a failed TLS try.
 * https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html
 */
import { connect } from 'node:net';
import { DatabaseUnreachableError } from '#shared/errors.js';

/** CLIENT_SSL in the capability flags: the server can switch the connection to TLS. */
export const CLIENT_SSL = 0x0800;

/** What the first packet says: TLS offered or not, or the server's refusal (an error packet). */
export type HandshakeVerdict =
  | { readonly kind: 'handshake'; readonly offersTls: boolean }
  | { readonly kind: 'refused'; readonly errno: number; readonly message: string };

/**
 * Parses the server's first packet (4-byte header included). Returns `undefined` while `data`
 * holds less than the whole packet; throws when it is no MySQL handshake.
 */
export const parseInitialPacket = (data: Buffer): HandshakeVerdict | undefined => {
  if (data.length < 4) return undefined;
  const length = data.readUIntLE(0, 3);
  const marker = data[4];
  // A greeting is far below 64 KiB and starts with 10 (or 0xff for an error): anything else
  // is not a MySQL server, so fail now rather than wait for bytes that never come.
  if (length > 0xffff || (marker !== undefined && marker !== 10 && marker !== 0xff)) {
    throw new Error('the server did not answer with a MySQL protocol 10 handshake');
  }
  if (data.length < 4 + length) return undefined;
  const payload = data.subarray(4, 4 + length);
  if (marker === 0xff && payload.length >= 3) {
    // ERR packet: errno, then (protocol 4.1) '#' and a 5-character SQL state, then the text.
    const errno = payload.readUInt16LE(1);
    const rest = payload.subarray(3).toString('utf8');
    return { kind: 'refused', errno, message: rest.startsWith('#') ? rest.slice(6) : rest };
  }
  const versionEnd = payload.indexOf(0, 1);
  // version NUL, connection id (4), auth data part 1 (8), filler (1), capability flags (2).
  const flagsAt = versionEnd + 1 + 4 + 8 + 1;
  if (versionEnd < 0 || payload.length < flagsAt + 2) {
    throw new Error('the server handshake is too short');
  }
  return { kind: 'handshake', offersTls: (payload.readUInt16LE(flagsAt) & CLIENT_SSL) !== 0 };
};

/**
 * Opens a TCP connection, reads the initial handshake and closes the socket without answering
 * (no credentials are sent). Throws DatabaseUnreachableError on a network error, a timeout, a
 * non-MySQL answer or a server refusal (too many connections, host blocked).
 */
export const serverOffersTls = (host: string, port: number, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      outcome();
    };
    const fail = (reason: string, cause?: unknown): void =>
      finish(() =>
        reject(
          new DatabaseUnreachableError(
            `cannot read the MySQL handshake from ${host}:${port}: ${reason}`,
            {},
            cause === undefined ? undefined : { cause },
          ),
        ),
      );
    socket.setTimeout(timeoutMs, () => fail(`no handshake within ${timeoutMs} ms`));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      fail(error.code ?? 'network error', new Error(error.message)),
    );
    socket.on('close', () => fail('the server closed the connection'));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        const verdict = parseInitialPacket(received);
        if (verdict === undefined) return;
        if (verdict.kind === 'refused') {
          fail(`the server refused the connection (${verdict.errno}: ${verdict.message})`);
        } else {
          finish(() => resolve(verdict.offersTls));
        }
      } catch (error) {
        fail(error instanceof Error ? error.message : 'unreadable handshake');
      }
    });
  });
