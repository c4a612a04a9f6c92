/**
 * A real MariaDB server on 127.0.0.1 for tests and `npm start`: Debian's mariadbd run in the
 * background without systemd, in a new folder under the OS temp folder, TLS on by default.
 * An `admin`@`%` user with every privilege (WITH GRANT OPTION) is created through the socket,
 * like an RDS master user.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { chown, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  freePort,
  makeServerDir,
  type RunningDatabase,
  ServerLog,
  withTimeout,
} from './running-database.js';
import { createServerTls, type ServerTls } from './tls.js';

const run = promisify(execFile);

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = 'mariadb-install-db';
const CLIENT = 'mariadb';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const ADMIN_USER = 'admin';

export interface StartMariadbOptions {
  /** TLS on (--ssl-ca/--ssl-cert/--ssl-key, certificate from a new private CA). Default true. */
  readonly tls?: boolean;
  /** Refuse plain TCP connections (--require-secure-transport). Default false. */
  readonly requireTls?: boolean;
  /** Use this certificate instead of making a new CA (its files readable by the mysql user). */
  readonly serverTls?: ServerTls;
  /** TCP port on 127.0.0.1; a free one when absent. */
  readonly port?: number;
  /** Every chunk the server writes (it also goes to `logFile`). */
  readonly onLog?: (text: string) => void;
}

const mysqlIds = async (): Promise<{ uid: number; gid: number } | undefined> => {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'mysql']).then(({ stdout }) => Number.parseInt(stdout, 10)),
    run('id', ['-g', 'mysql']).then(({ stdout }) => Number.parseInt(stdout, 10)),
  ]);
  return { uid, gid };
};

const describeFailure = (error: unknown): string =>
  error instanceof Error
    ? `${error.message}${'stderr' in error && error.stderr ? `: ${String(error.stderr)}` : ''}`
    : String(error);

/** Runs SQL as root@localhost through the socket (unix_socket auth); the SQL goes on stdin. */
const runAsRoot = async (socket: string, sql: string): Promise<void> => {
  const client = spawn(CLIENT, ['--no-defaults', `--socket=${socket}`, '--user=root', '--batch'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  client.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const closed = new Promise<number | null>((resolve, reject) => {
    client.once('error', reject);
    client.once('close', resolve);
  });
  client.stdin.end(sql);
  const code = await closed;
  // stderr of the client names the failing statement number, never the statement itself.
  if (code !== 0) throw new Error(`${CLIENT} exited with code ${String(code)}: ${stderr.trim()}`);
};

const escapeSqlString = (value: string): string =>
  `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

const stopProcess = async (proc: ChildProcess): Promise<void> => {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  try {
    await withTimeout(exited, STOP_TIMEOUT_MS, 'mariadbd did not stop');
  } catch {
    proc.kill('SIGKILL');
    await exited;
  }
};

/**
 * Starts MariaDB on 127.0.0.1 and resolves once it accepts connections and the admin user
 * exists. Throws with the server's log tail when it cannot start, and tells how to install
 * MariaDB when mariadbd is missing. `stop()` sends SIGTERM, waits for the exit and removes the
 * folder.
 *
 * @example
 * const maria = await startMariadb();
 * // mysql2.createConnection({ host: maria.host, port: maria.port, user: maria.adminUser,
 * //                           password: maria.adminPassword, ssl: { ca: maria.caCertPem } })
 * await maria.stop();
 */
export const startMariadb = async (options: StartMariadbOptions = {}): Promise<RunningDatabase> => {
  if (!existsSync(MARIADBD)) {
    throw new Error(
      `MariaDB server not found at ${MARIADBD}: run \`apt-get install -y mariadb-server\` ` +
        '(as root; the Debian service need not start).',
    );
  }
  const useTls = options.tls ?? true;
  if ((options.requireTls ?? false) && !useTls)
    throw new Error('startMariadb: requireTls needs tls');
  const baseDir = await makeServerDir('rotasync-mariadb-');
  const dataDir = join(baseDir, 'data');
  const socket = join(baseDir, 'mysqld.sock');
  const log = new ServerLog(join(baseDir, 'mariadb.log'), options.onLog);
  const port = options.port ?? (await freePort());
  const adminPassword = randomBytes(18).toString('base64url');
  let server: ChildProcess | undefined;
  let tls: ServerTls | undefined;
  // A parent that exits without stop() leaves neither a server nor its folder behind.
  const killOnExit = (): void => {
    server?.kill('SIGKILL');
    rmSync(baseDir, { recursive: true, force: true });
  };

  /** Starts mariadbd on the data folder and resolves once it accepts connections. */
  const launch = async (): Promise<ChildProcess> => {
    const proc = spawn(
      MARIADBD,
      [
        '--no-defaults',
        '--user=mysql',
        `--datadir=${dataDir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${socket}`,
        `--pid-file=${join(baseDir, 'mariadbd.pid')}`,
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=64M',
        '--innodb-flush-log-at-trx-commit=0',
        '--innodb-doublewrite=0',
        ...(tls
          ? [
              `--ssl-ca=${tls.ca.certPath}`,
              `--ssl-cert=${tls.certPath}`,
              `--ssl-key=${tls.keyPath}`,
            ]
          : []),
        ...(options.requireTls ? ['--require-secure-transport=ON'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Known at once, so a start that fails (or a parent that exits) still stops it.
    server = proc;
    const ready = new Promise<void>((resolve, reject) => {
      const onOutput = (chunk: Buffer): void => {
        const text = chunk.toString('utf8');
        log.append(text);
        if (text.includes('ready for connections')) resolve();
      };
      proc.stdout.on('data', onOutput);
      proc.stderr.on('data', onOutput);
      proc.once('error', reject);
      proc.once('exit', (code, signal) =>
        reject(
          new Error(
            `mariadbd exited before it was ready (code ${String(code)}, ${String(signal)})`,
          ),
        ),
      );
    });
    await withTimeout(ready, START_TIMEOUT_MS, 'mariadbd did not become ready');
    return proc;
  };

  try {
    const ids = await mysqlIds();
    // mariadbd runs as mysql: it must create its socket here and read its TLS files.
    if (ids) await chown(baseDir, ids.uid, ids.gid);
    tls = useTls ? (options.serverTls ?? (await createServerTls(join(baseDir, 'tls')))) : undefined;
    if (tls && ids && !options.serverTls) {
      await Promise.all(
        [join(baseDir, 'tls'), tls.certPath, tls.keyPath, tls.ca.certPath].map((path) =>
          chown(path, ids.uid, ids.gid),
        ),
      );
    }

    try {
      const installed = await run(
        INSTALL_DB,
        [
          '--no-defaults',
          '--user=mysql',
          `--datadir=${dataDir}`,
          '--auth-root-authentication-method=socket',
          '--skip-test-db',
          '--skip-name-resolve',
        ],
        { timeout: START_TIMEOUT_MS },
      );
      log.append(`${installed.stdout}${installed.stderr}`);
    } catch (error) {
      throw new Error(`${INSTALL_DB} failed: ${describeFailure(error)}`, { cause: error });
    }

    server = await launch();
    // A best-effort net for a parent that exits without stop(): no orphaned mariadbd.
    process.once('exit', killOnExit);

    // Anonymous users would shadow real ones on the socket: drop them, as a hardened server does.
    await runAsRoot(
      socket,
      [
        "DELETE FROM mysql.global_priv WHERE User = '';",
        'FLUSH PRIVILEGES;',
        `CREATE USER '${ADMIN_USER}'@'%' IDENTIFIED BY ${escapeSqlString(adminPassword)};`,
        `GRANT ALL PRIVILEGES ON *.* TO '${ADMIN_USER}'@'%' WITH GRANT OPTION;`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    if (server) await stopProcess(server);
    process.removeListener('exit', killOnExit);
    await rm(baseDir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `MariaDB failed to start: ${reason}\nlast lines of ${log.file}:\n${log.tail()}`,
      {
        cause: error,
      },
    );
  }

  let running = server;
  if (!running) throw new Error('MariaDB failed to start: no server process');
  return {
    engine: 'mariadb',
    host: '127.0.0.1',
    port,
    adminUser: ADMIN_USER,
    adminPassword,
    caCertPem: tls?.ca.certPem,
    dataDir,
    logFile: log.file,
    restart: async () => {
      await stopProcess(running);
      running = await launch();
      server = running;
    },
    stop: async () => {
      await stopProcess(running);
      process.removeListener('exit', killOnExit);
      await rm(baseDir, { recursive: true, force: true });
    },
  };
};
