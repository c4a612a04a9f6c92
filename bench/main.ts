/**
 * `npm run bench`: the figures quoted in the README, measured on this machine against real
 * PostgreSQL and MariaDB servers and the local cloud. Prints tables; asserts nothing.
 *   BENCH_ROUNDS          rotations measured per case (default 20)
 *   BENCH_SWEEP_SECRETS   secrets in the reconcile sweep (default 1000)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startMariadb } from '#local-cloud/databases/mariadb-server.js';
import { startPostgres } from '#local-cloud/databases/postgres-server.js';
import type { RunningDatabase } from '#local-cloud/databases/running-database.js';
import { startLocalCloud } from '#local-cloud/index.js';
// The sweep's set-up is shared with its integration test (sweep-cost.test.ts), not copied.
import { measureSweepReads } from '#local-cloud/replication-stack.js';
import { startLocalStack } from '#local-cloud/stack.js';
import { measureThroughput } from './local-cloud-throughput.js';
import { mariadbLoginCounter, postgresLoginCounter } from './login-counters.js';
import { measureRotations, type RotationFigures } from './rotation.js';
import { printTable } from './table.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
const cleanups: (() => Promise<void> | void)[] = [];

const createPgUser = (server: RunningDatabase) => async (name: string, password: string) => {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    database: 'postgres',
    ssl: { ca: server.caCertPem ?? '' },
  });
  await client.connect();
  await client.query(
    `CREATE ROLE ${client.escapeIdentifier(name)} LOGIN PASSWORD ${client.escapeLiteral(password)}`,
  );
  await client.end();
};

const createMariaUser = (server: RunningDatabase) => async (name: string, password: string) => {
  const connection = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    ssl: { ca: server.caCertPem ?? '' },
  });
  await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [name, '%', password]);
  await connection.end();
};

const ms = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(1);

const sweepSecrets = Number(process.env.BENCH_SWEEP_SECRETS ?? 1000);

const main = async (): Promise<void> => {
  console.log(
    `Rotasync benchmarks (${rounds} rotations per case, after one warm-up; Node ${process.version})`,
  );
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

  printTable(
    'Calls per rotation (Secrets Manager calls from the local cloud request log; logins from the database server)',
    ['case', 'rotations', 'SM calls', 'by operation', 'logins', 'failed logins'],
    [
      ...figures.flatMap((figure) =>
        figure.shapes.map((shape) => [
          figure.shapes.length > 1 || shape.towards !== 'same user'
            ? `${figure.label}, towards ${shape.towards}`
            : figure.label,
          String(shape.rotations),
          String(shape.calls),
          shape.callsByOperation,
          String(shape.logins),
          String(figure.failedLogins),
        ]),
      ),
      [
        'official template, PostgreSQL single user',
        '-',
        '14',
        'DescribeSecret 5, GetSecretValue 6, GetRandomPassword 1, PutSecretValue 1, UpdateSecretVersionStage 1',
        '4',
        '2 per rotation',
      ],
      ['official template, PostgreSQL alternating', '-', '14', 'as above', '5', '2 per rotation'],
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

  const throughput = [...(await measureThroughput(sm, 'in memory', 2000, 8))];
  const durable = await startLocalCloud({ stateFile: join(dir, 'state.json') });
  cleanups.push(() => durable.stop());
  const durableClient = new SecretsManagerClient({
    endpoint: durable.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  cleanups.push(() => durableClient.destroy());
  throughput.push(
    ...(await measureThroughput(durableClient, 'state file, fsync per write', 500, 8)),
  );
  printTable(
    'Local cloud through the SDK over HTTP (8 requests in flight)',
    ['operation', 'requests', 'per second', 'p50 ms', 'p99 ms'],
    throughput.map((row) => [
      row.operation,
      String(row.requests),
      row.perSecond.toFixed(0),
      ms(row.p50Ms),
      ms(row.p99Ms),
    ]),
  );

  const sweeps = [];
  for (const regionCount of [1, 2]) {
    const started = performance.now();
    const counts = await measureSweepReads(sweepSecrets, regionCount);
    sweeps.push({ counts, seconds: (performance.now() - started) / 1000 });
  }
  printTable(
    `reconcile sweep over ${sweepSecrets} unchanged, replicated secrets (one invocation; calls from the request log)`,
    [
      'recovery Regions',
      'reads',
      'ListSecrets',
      'BatchGetSecretValue',
      'writes',
      'N·R/20',
      'whole run s',
    ],
    sweeps.map(({ counts, seconds }) => [
      String(counts.regionCount),
      String(counts.reads),
      String(counts.byOperation.ListSecrets ?? 0),
      String(counts.batchReads),
      String(counts.writes),
      String(Math.ceil((counts.secretCount * counts.regionCount) / 20)),
      seconds.toFixed(1),
    ]),
  );
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
