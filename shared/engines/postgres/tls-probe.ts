/**
 * TLS for a PostgreSQL login. `require` verifies the server against the CA bundle; `disable` is
 * plain; `prefer` first asks the server whether it speaks TLS (an SSLRequest on a throwaway
 * socket, no credentials sent) and then logs in once, with TLS when offered. Like libpq's
 * sslmode=prefer, `prefer` encrypts without verifying the certificate: use `require` to
 * authenticate the server. Nothing ever retries in plain text.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL
 */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { type ConnectionOptions, connect as connectTls } from 'node:tls';
import type { ConnectOptions, DbTarget } from '#shared/engines/engine.js';

/** The 8-byte SSLRequest message: length 8, code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** Milliseconds left until `deadline` (an epoch time), at least 1. */
export const remainingMs = (deadline: number): number => Math.max(1, deadline - Date.now());

/**
 * Asks the server whether it speaks TLS, without authenticating: 'S' → true, 'N' → false.
 * After an 'S' it completes the TLS handshake and closes, so the server logs no broken
 * handshake. Rejects when the server cannot be reached or does not answer like PostgreSQL.
 */
const serverOffersTls = async (host: string, port: number, deadline: number): Promise<boolean> =>
  new Promise<boolean>((resolve, reject) => {
    const socket: Socket = connectTcp({ host, port });
    let settled = false;
    const finish = (outcome: boolean | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(new Error('timeout expired while asking the server for TLS')),
      remainingMs(deadline),
    );
    socket.once('error', (error) => finish(error));
    socket.once('close', () => finish(new Error('connection closed before the TLS answer')));
    socket.once('connect', () => socket.write(SSL_REQUEST));
    socket.once('data', (answer) => {
      const code = String.fromCharCode(answer[0] ?? 0);
      if (code === 'N') return finish(false);
      if (code !== 'S') return finish(new Error('the server did not answer the SSLRequest'));
      socket.removeAllListeners('close');
      socket.removeAllListeners('error');
      const secure = connectTls({
        socket,
        rejectUnauthorized: false,
        ...(isIP(host) === 0 ? { servername: host } : {}),
      });
      const done = (): void => {
        secure.destroy();
        finish(true);
      };
      // Handshake errors are the login's to report: it negotiates TLS again, on its own.
      secure.once('secureConnect', () => secure.end(done));
      secure.once('error', done);
      secure.once('close', done);
    });
  });

/** pg's `ssl` setting for a target's mode; `prefer` costs one SSLRequest round trip first. */
export const tlsSettings = async (
  target: DbTarget,
  options: ConnectOptions,
  deadline: number,
): Promise<false | ConnectionOptions> => {
  const servername = isIP(target.host) === 0 ? { servername: target.host } : {};
  switch (target.tls) {
    case 'disable':
      return false;
    case 'require':
      return {
        rejectUnauthorized: true,
        ...(options.caBundle === undefined ? {} : { ca: options.caBundle }),
        ...servername,
      };
    case 'prefer':
      return (await serverOffersTls(target.host, target.port, deadline))
        ? { rejectUnauthorized: false, ...servername }
        : false;
  }
};
