/**
 * Just enough of the PostgreSQL and MySQL wire protocols for the harness's proxy to find
 * statements in a client's stream and the end of each answer in the server's, never reading a
 * value out of them.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 * https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html
 */

/** Collects bytes and hands out whole frames as they complete. */
abstract class Framer<F> {
  #buffer: Buffer = Buffer.alloc(0);

  /** Adds `data`; returns the frames it completed, in order. */
  public push(data: Buffer): F[] {
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data]);
    const frames: F[] = [];
    for (;;) {
      const size = this.frameSize(this.#buffer);
      if (size === undefined || this.#buffer.length < size) break;
      frames.push(this.frame(this.#buffer.subarray(0, size)));
      this.#buffer = this.#buffer.subarray(size);
    }
    return frames;
  }

  /** Bytes received but not yet part of a whole frame. */
  public rest(): Buffer {
    const rest = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return rest;
  }

  protected abstract frameSize(buffer: Buffer): number | undefined;
  protected abstract frame(raw: Buffer): F;
}

/** A PostgreSQL message after the startup phase: a type byte, a length, a body. */
export interface PgMessage {
  readonly type: string;
  readonly body: Buffer;
  readonly raw: Buffer;
}

/** Typed PostgreSQL messages (both directions, after the startup message). */
export class PgMessages extends Framer<PgMessage> {
  protected frameSize(buffer: Buffer): number | undefined {
    return buffer.length < 5 ? undefined : 1 + buffer.readInt32BE(1);
  }

  protected frame(raw: Buffer): PgMessage {
    return { type: String.fromCharCode(raw[0] ?? 0), body: raw.subarray(5), raw };
  }
}

/** The untyped first message of a PostgreSQL client (startup, SSLRequest, CancelRequest). */
export class PgStartup extends Framer<Buffer> {
  protected frameSize(buffer: Buffer): number | undefined {
    return buffer.length < 4 ? undefined : buffer.readInt32BE(0);
  }

  protected frame(raw: Buffer): Buffer {
    return raw;
  }
}

export const PG_SSL_REQUEST = 80877103;
export const PG_GSSENC_REQUEST = 80877104;

/** The query text a Query ('Q') or Parse ('P') message carries. */
export const pgQueryText = (message: PgMessage): string => {
  const body = message.body;
  if (message.type === 'Q') return body.subarray(0, Math.max(0, body.indexOf(0))).toString('utf8');
  // Parse: statement name NUL, query NUL, …
  const nameEnd = body.indexOf(0);
  const queryEnd = body.indexOf(0, nameEnd + 1);
  return body.subarray(nameEnd + 1, queryEnd < 0 ? undefined : queryEnd).toString('utf8');
};

/** A MySQL packet: 3-byte length, sequence id, payload. */
export interface MysqlPacket {
  readonly sequence: number;
  readonly payload: Buffer;
  readonly raw: Buffer;
}

export class MysqlPackets extends Framer<MysqlPacket> {
  protected frameSize(buffer: Buffer): number | undefined {
    return buffer.length < 4 ? undefined : 4 + buffer.readUIntLE(0, 3);
  }

  protected frame(raw: Buffer): MysqlPacket {
    return { sequence: raw[3] ?? 0, payload: raw.subarray(4), raw };
  }
}

export const MYSQL_CLIENT_SSL = 0x800;
export const MYSQL_CLIENT_DEPRECATE_EOF = 0x01000000;
export const MYSQL_COM_QUERY = 0x03;
export const MYSQL_COM_STMT_PREPARE = 0x16;
export const MYSQL_COM_STMT_EXECUTE = 0x17;

/** The capability flags of a server greeting (protocol 10). */
export const greetingCapabilities = (payload: Buffer): number => {
  const versionEnd = payload.indexOf(0, 1);
  const lowAt = versionEnd + 1 + 4 + 8 + 1;
  const low = payload.readUInt16LE(lowAt);
  // charset (1), status (2), then the upper flags, when the greeting is long enough.
  const highAt = lowAt + 2 + 1 + 2;
  const high = payload.length >= highAt + 2 ? payload.readUInt16LE(highAt) : 0;
  return (low | (high << 16)) >>> 0;
};

/** The statement text of a COM_QUERY payload, without the query-attribute preamble if any. */
export const mysqlQueryText = (payload: Buffer): string =>
  payload
    .subarray(1)
    .toString('utf8')
    .replace(/^[^A-Za-z]*/, '');

/**
 * Follows one answer to a command until its last packet: an OK or ERR packet, or a result set
 * (column count, column definitions, rows) ended by EOF or, with CLIENT_DEPRECATE_EOF, by OK.
 */
export class MysqlAnswer {
  #state: 'first' | 'columns' | 'column-eof' | 'rows' | 'done' = 'first';
  #columns = 0;
  readonly #deprecateEof: boolean;

  public constructor(deprecateEof: boolean) {
    this.#deprecateEof = deprecateEof;
  }

  /** Feeds the next server packet; true once the answer is complete. */
  public push(packet: MysqlPacket): boolean {
    const head = packet.payload[0];
    const length = packet.payload.length;
    const isEof = head === 0xfe && (this.#deprecateEof ? length < 0xffffff : length < 9);
    switch (this.#state) {
      case 'first':
        if (head === 0x00 || head === 0xff || head === 0xfb) this.#state = 'done';
        else {
          this.#columns = lengthEncoded(packet.payload);
          this.#state = this.#columns === 0 ? 'done' : 'columns';
        }
        break;
      case 'columns':
        this.#columns -= 1;
        if (this.#columns === 0) this.#state = this.#deprecateEof ? 'rows' : 'column-eof';
        break;
      case 'column-eof':
        this.#state = 'rows';
        break;
      case 'rows':
        if (head === 0xff || isEof) this.#state = 'done';
        break;
      case 'done':
        break;
    }
    return this.#state === 'done';
  }
}

const lengthEncoded = (payload: Buffer): number => {
  const first = payload[0] ?? 0;
  if (first < 0xfb) return first;
  if (first === 0xfc) return payload.readUInt16LE(1);
  if (first === 0xfd) return payload.readUIntLE(1, 3);
  return Number(payload.readBigUInt64LE(1));
};
