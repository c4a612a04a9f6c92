/**
 * `npm run bench`: the figures quoted in the README, measured on this machine against real
 * PostgreSQL and MariaDB servers and the local cloud. Prints tables; asserts nothing.
 *
 *   npm run bench                          every section
 *   npm run bench -- cold-start sweep      some: cold-start, rotation, throughput, replication, sweep
 *
 *   BENCH_ROUNDS               rotations measured per case (default 20)
 *   BENCH_COLD_ROUNDS          fresh processes per cold-start case (default 10)
 *   BENCH_REPLICATION_CHANGES  changes replicated per latency case (default 200)
 *   BENCH_SWEEP_SIZES          secrets per sweep (default 1000,10000; add 50000 for the large one,
 *                              about two minutes more)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createPgLoginRole, mariadbAdminConnection } from '#local-cloud/databases/clients.js';
import { startMariadb } from '#local-cloud/databases/mariadb-server.js';
import { startPostgres } from '#local-cloud/databases/postgres-server.js';
import type { RunningDatabase } from '#local-cloud/databases/running-database.js';
import { startLocalCloud } from '#local-cloud/index.js';
import { startLocalStack } from '#local-cloud/stack.js';
import { measureColdStarts, median } from './cold-start.js';
import { measureThroughput } from './local-cloud-throughput.js';
import { mariadbLoginCounter, postgresLoginCounter } from './login-counters.js';
import { officialTemplateRotation } from './official-template.js';
import { measureReplicationLatency, percentiles } from './replication-latency.js';
import { measureRotations, type RotationFigures } from './rotation.js';
import { measureSweepAtScale } from './sweep-at-scale.js';
import { printTable, quantile } from './table.js';

const SECTIONS = ['cold-start', 'rotation', 'throughput', 'replication', 'sweep'] as const;
type Section = (typeof SECTIONS)[number];

const numberFrom = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
};

const rounds = numberFrom('BENCH_ROUNDS', 20);
const coldRounds = numberFrom('BENCH_COLD_ROUNDS', 10);
const replicationChanges = numberFrom('BENCH_REPLICATION_CHANGES', 200);
const sweepSizes = (process.env.BENCH_SWEEP_SIZES ?? '1000,10000').split(',').map(Number);
const cleanups: (() => Promise<void> | void)[] = [];

const ms = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(1);
const kib = (bytes: number): string => `${Math.round(bytes / 1024)}`;
const thousands = (value: number): string => value.toLocaleString('en-US');

const createPgUser = (server: RunningDatabase) => (name: string, password: string) =>
  createPgLoginRole(server, name, password);

const createMariaUser = (server: RunningDatabase) => async (name: string, password: string) => {
  const connection = await mariadbAdminConnection(server);
  try {
    await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [name, '%', password]);
    // A single user lists its host accounts before setting the password on each.
    await connection.query('GRANT SELECT (User, Host, is_role) ON mysql.user TO ?@?', [name, '%']);
  } finally {
    await connection.end();
  }
};

const coldStart = async (): Promise<void> => {
  const figures = await measureColdStarts(coldRounds);
  const bare = median(figures.bareMs);
  printTable(
    'Packages as `serverless package` writes them (KiB; JavaScript uncompressed; maps are read only with --enable-source-maps)',
    ['function', 'zip', 'JavaScript', 'files', 'source maps'],
    figures.packages.map((size) => [
      size.functionName,
      kib(size.zipBytes),
      kib(size.jsBytes),
      String(size.jsFiles),
      kib(size.mapBytes),
    ]),
  );
  printTable(
    `Cold start: a fresh Node process imports the packaged handler and answers one invocation (median of ${figures.rounds}; ms from process start; NODE_OPTIONS "${figures.nodeOptions}")`,
    [
      'case',
      'answer',
      'JavaScript loaded KiB',
      'files',
      'imported',
      'answered',
      'start to exit',
      'over node -e 0',
    ],
    [
      ['node -e 0', '-', '-', '-', '-', '-', ms(bare), '-'],
      ...figures.cases.map((row) => [
        row.label,
        row.outcomes.join(', '),
        kib(row.loadedBytes),
        String(row.loadedFiles),
        ms(median(row.importMs)),
        ms(median(row.answerMs)),
        ms(median(row.wallMs)),
        ms(median(row.wallMs) - bare),
      ]),
    ],
  );
};

const rotation = async (): Promise<void> => {
  const [postgres, mariadb] = await Promise.all([startPostgres(), startMariadb()]);
  cleanups.push(
    () => postgres.stop(),
    () => mariadb.stop(),
  );
  const dir = mkdtempSync(join(tmpdir(), 'rotasync-bench-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, `${postgres.caCertPem}\n${mariadb.caCertPem}`);
  const stack = await startLocalStack({ environment: { ROTASYNC_CA_BUNDLE: caFile } });
  cleanups.push(() => stack.stop());
  const sm = new SecretsManagerClient({
    endpoint: stack.cloud.endpoint,
    region: stack.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  cleanups.push(() => sm.destroy());

  const mariaLogins = await mariadbLoginCounter(mariadb);
  cleanups.push(() => mariaLogins.close());
  const cases = [
    {
      label: 'PostgreSQL, single user',
      server: postgres,
      engine: 'postgres',
      alternating: false,
      createUser: createPgUser(postgres),
      logins: postgresLoginCounter(postgres),
    },
    {
      label: 'PostgreSQL, alternating users',
      server: postgres,
      engine: 'postgres',
      alternating: true,
      createUser: createPgUser(postgres),
      logins: postgresLoginCounter(postgres),
    },
    {
      label: 'MariaDB, single user',
      server: mariadb,
      engine: 'mariadb',
      alternating: false,
      createUser: createMariaUser(mariadb),
      logins: mariaLogins,
    },
    {
      label: 'MariaDB, alternating users',
      server: mariadb,
      engine: 'mariadb',
      alternating: true,
      createUser: createMariaUser(mariadb),
      logins: mariaLogins,
    },
  ] as const;
  const figures: RotationFigures[] = [];
  for (const testCase of cases) figures.push(await measureRotations(stack, sm, testCase, rounds));

  const template = (
    strategy: 'single user' | 'alternating users',
    ssl: 'no ssl key' | 'ssl: true',
  ) => {
    const model = officialTemplateRotation(strategy, ssl);
    return [
      `official template, PostgreSQL ${strategy} (its code, not run here)`,
      ssl,
      '-',
      String(model.smCalls),
      model.callsByOperation,
      String(model.logins),
      `${model.failedLogins} per rotation`,
    ];
  };
  printTable(
    `Calls per rotation (${rounds} rotations per case, after one warm-up; Secrets Manager calls from the local cloud request log; logins from the database server)`,
    ['case', 'secret', 'rotations', 'SM calls', 'by operation', 'logins', 'failed logins'],
    [
      ...figures.flatMap((figure) =>
        figure.shapes.map((shape) => [
          figure.shapes.length > 1 || shape.towards !== 'same user'
            ? `${figure.label}, towards ${shape.towards}`
            : figure.label,
          figure.ssl,
          String(shape.rotations),
          String(shape.calls),
          shape.callsByOperation,
          String(shape.logins),
          String(figure.failedLogins),
        ]),
      ),
      template('single user', 'ssl: true'),
      template('single user', 'no ssl key'),
      template('alternating users', 'ssl: true'),
      template('alternating users', 'no ssl key'),
    ],
  );
  printTable(
    'Rotation latency in ms (p50 / p95; local cloud and servers on this machine, TLS verified)',
    ['case', 'whole rotation', 'createSecret', 'setSecret', 'testSecret', 'finishSecret'],
    figures.map((figure) => [
      figure.label,
      `${ms(figure.totalMs.p50)} / ${ms(figure.totalMs.p95)}`,
      ...['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map(
        (step) => `${ms(figure.stepMs[step]?.p50)} / ${ms(figure.stepMs[step]?.p95)}`,
      ),
    ]),
  );
};

const throughput = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'rotasync-bench-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const memory = await startLocalCloud();
  cleanups.push(() => memory.stop());
  const durable = await startLocalCloud({ stateFile: join(dir, 'state.json') });
  cleanups.push(() => durable.stop());
  const client = (endpoint: string) =>
    new SecretsManagerClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  const memoryClient = client(memory.endpoint);
  const durableClient = client(durable.endpoint);
  cleanups.push(
    () => memoryClient.destroy(),
    () => durableClient.destroy(),
  );
  const rows = [
    ...(await measureThroughput(memoryClient, 'in memory', 2000, 8)),
    ...(await measureThroughput(durableClient, 'state file, fsync per write', 500, 8)),
  ];
  printTable(
    'Local cloud through the SDK over HTTP (8 requests in flight)',
    ['operation', 'requests', 'per second', 'p50 ms', 'p99 ms'],
    rows.map((row) => [
      row.operation,
      String(row.requests),
      row.perSecond.toFixed(0),
      ms(row.p50Ms),
      ms(row.p99Ms),
    ]),
  );
};

const replication = async (): Promise<void> => {
  const rows = [];
  for (const added of [0, 20])
    rows.push(await measureReplicationLatency(replicationChanges, added));
  printTable(
    `Replication latency: a change in us-east-1 to the replica in us-west-2 holding it (${replicationChanges} changes, one at a time; ms)`,
    [
      'added per call',
      'p50',
      'p95',
      'max',
      "function's ReplicationLag p50 / p95",
      'invocations per change',
      'calls per change',
    ],
    rows.map((row) => {
      const lag = percentiles(row.lagMs);
      const metric = percentiles(row.metricLagMs);
      return [
        `${row.addedLatencyMs} ms`,
        ms(lag.p50),
        ms(lag.p95),
        ms(quantile(row.lagMs, 1)),
        `${ms(metric.p50)} / ${ms(metric.p95)}`,
        row.invocationsPerChange.toFixed(1),
        row.callsPerChange.toFixed(1),
      ];
    }),
  );
};

const sweep = async (): Promise<void> => {
  const options = { latencyMs: 20, quotaScale: 1 };
  const rows: string[][] = [];
  for (const secrets of sweepSizes) {
    const run = await measureSweepAtScale(secrets, options);
    const limited = await measureSweepAtScale(secrets, { ...options, heapLimitMiB: 32 });
    const replicaReads = (secrets * run.regions) / 20;
    rows.push([
      thousands(secrets),
      run.wallSeconds.toFixed(1),
      `${thousands(run.calls.BatchGetSecretValue ?? 0)} + ${thousands(run.calls.ListSecrets ?? 0)}`,
      `${thousands(run.reads)} (${(run.reads / replicaReads).toFixed(2)}×)`,
      String(run.writes),
      String(run.throttled),
      `${run.boundSeconds.toFixed(1)} (${run.binding})`,
      (run.wallSeconds / run.boundSeconds).toFixed(2),
      run.peakRssMiB === undefined ? '-' : run.peakRssMiB.toFixed(0),
      limited.peakRssMiB === undefined
        ? '-'
        : `${limited.peakRssMiB.toFixed(0)} (${limited.wallSeconds.toFixed(1)} s)`,
      run.seedSeconds.toFixed(1),
    ]);
  }
  printTable(
    'reconcile over N unchanged secrets × 2 recovery Regions, one invocation; 20 ms added to every call, request-rate quotas as the service (per Region: 100 BatchGetSecretValue/s, 100 ListSecrets/s); the function paces its reads at 80/s each',
    [
      'N',
      'wall s',
      'calls: BatchGet + List',
      'reads (÷ N·R/20)',
      'writes',
      'throttled',
      'lower bound s (binding)',
      'wall ÷ bound',
      'peak RSS MiB',
      'peak RSS MiB, 32 MiB heap',
      'seed s',
    ],
    rows,
  );
};

const RUNNERS: Record<Section, () => Promise<void>> = {
  'cold-start': coldStart,
  rotation,
  throughput,
  replication,
  sweep,
};

const main = async (): Promise<void> => {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench section ${unknown.join(', ')}; the sections: ${SECTIONS.join(', ')}`,
    );
  }
  const sections = asked.length === 0 ? SECTIONS : (asked as Section[]);
  // The machine may be shared: its load says how far the timings are from an idle one.
  const load = (): string =>
    loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
  console.log(
    `Rotasync benchmarks (Node ${process.version}; ${cpus().length} CPUs; load average ${load()}; sections: ${sections.join(', ')})`,
  );
  for (const section of sections) {
    const started = performance.now();
    await RUNNERS[section]();
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(`(${section}: ${seconds} s; load average ${load()})`);
  }
};

const cleanUp = async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
};

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanUp);
