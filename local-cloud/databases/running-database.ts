/**
 * What a started local database server looks like to tests, benchmarks and `npm start`, plus the
 * small process helpers both servers share (free ports, temp folders, log capture).
 */
import { appendFileSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tapText } from '#local-cloud/taps.js';

/** A database server running on this machine; everything but `stop` is plain, serializable data. */
export interface RunningDatabaseInfo {
  readonly engine: 'postgres' | 'mariadb';
  readonly host: '127.0.0.1';
  readonly port: number;
  /** A superuser (PostgreSQL) or `ALL ... WITH GRANT OPTION` user (MariaDB). */
  readonly adminUser: string;
  /** Random for every start; local test servers only, never a real secret. */
  readonly adminPassword: string;
  /** The PEM of the private CA that signed the server certificate; `undefined` without TLS. */
  readonly caCertPem: string | undefined;
  /** The server's data folder (kept as is for a later replica of this server). */
  readonly dataDir: string;
  /** The server's own log (connections, authentication failures, errors), appended live. */
  readonly logFile: string;
}

/** A running server: its data plus `stop()`, which ends the process and removes its folders. */
export interface RunningDatabase extends RunningDatabaseInfo {
  /** Shuts the server down and starts it again on the same data and port (where supported). */
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export const freePort = async (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port found'))));
    });
  });

/**
 * Makes a new folder under the OS temp folder, mode 0755: the servers run as their own OS users
 * (postgres, mysql), which must be able to reach their data folders inside it.
 */
export const makeServerDir = async (prefix: string): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
};

/** Keeps a server's output in a log file and the last lines in memory, for start errors. */
export class ServerLog {
  readonly #file: string;
  readonly #listener: ((text: string) => void) | undefined;
  readonly #recent: string[] = [];

  /** `listener` also receives every chunk (e.g. to print a server's output live). */
  public constructor(file: string, listener?: (text: string) => void) {
    this.#file = file;
    this.#listener = listener;
  }

  public get file(): string {
    return this.#file;
  }

  /** Appends `text` (one or more lines) to the file and the in-memory tail. */
  public append(text: string): void {
    tapText('database-log', this.#file, () => text);
    // Synchronous, so a test reading the file right after a server event sees the line.
    appendFileSync(this.#file, text.endsWith('\n') ? text : `${text}\n`);
    this.#recent.push(...text.split('\n').filter((line) => line.length > 0));
    this.#recent.splice(0, Math.max(0, this.#recent.length - 40));
    this.#listener?.(text);
  }

  /** The last `lines` lines, for an error message. */
  public tail(lines = 20): string {
    return this.#recent.slice(-lines).join('\n');
  }
}

/** Rejects with `message` after `ms` unless `work` settles first. */
export const withTimeout = async <T>(work: Promise<T>, ms: number, message: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};
