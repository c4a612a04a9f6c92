import { describe, expect, it } from 'vitest';
import { CLIENT_SSL, parseInitialPacket } from '#shared/engines/mysql/handshake.js';

/** A protocol-10 greeting with the given lower capability flags, header included. */
const greeting = (flags: number): Buffer => {
  const payload = Buffer.concat([
    Buffer.from([10]),
    Buffer.from('10.11.19-MariaDB\0', 'latin1'),
    Buffer.from([1, 0, 0, 0]),
    Buffer.from('abcdefgh', 'latin1'),
    Buffer.from([0]),
    Buffer.from([flags & 0xff, flags >> 8]),
    Buffer.from([45, 2, 0]),
  ]);
  const header = Buffer.from([payload.length & 0xff, payload.length >> 8, 0, 0]);
  return Buffer.concat([header, payload]);
};

describe('parseInitialPacket', () => {
  it('sees TLS offered when CLIENT_SSL is set', () => {
    // Act / Assess
    expect(parseInitialPacket(greeting(0xffff))).toEqual({ kind: 'handshake', offersTls: true });
  });

  it('sees no TLS when CLIENT_SSL is clear', () => {
    // Act / Assess
    expect(parseInitialPacket(greeting(0xffff & ~CLIENT_SSL))).toEqual({
      kind: 'handshake',
      offersTls: false,
    });
  });

  it('waits for the whole packet', () => {
    // Act / Assess
    expect(parseInitialPacket(greeting(0xffff).subarray(0, 10))).toBeUndefined();
    expect(parseInitialPacket(Buffer.from([1, 0]))).toBeUndefined();
  });

  it('reads a refusal sent instead of a greeting', () => {
    // Prepare
    const payload = Buffer.concat([
      Buffer.from([0xff, 0x69, 0x04]),
      Buffer.from("Host '10.0.0.9' is blocked", 'utf8'),
    ]);
    const packet = Buffer.concat([Buffer.from([payload.length, 0, 0, 0]), payload]);

    // Act / Assess
    expect(parseInitialPacket(packet)).toEqual({
      kind: 'refused',
      errno: 1129,
      message: "Host '10.0.0.9' is blocked",
    });
  });

  it('throws on something that is not a MySQL greeting', () => {
    // Act / Assess
    expect(() => parseInitialPacket(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toThrow(
      /protocol 10/,
    );
  });
});
