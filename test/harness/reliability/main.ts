/**
 * `npm run harness:reliability`: the reliability harness in full, on its own PostgreSQL and
 * MariaDB servers. Crashes a rotation before and after every Secrets Manager call and SQL
 * statement, per engine, strategy and rotation shape, and resumes it; then runs rotations under
 * injected faults. Prints its figures as tables; exits 1 on any violation.
 *
 * Options: `--spread N` crashes at N points per scenario instead of all; `--fault-rotations N`
 * (default 100); `--crashes-only`, `--faults-only`; `--engine postgres|mariadb` (crash points);
 * `--fault <words>` runs only the fault scenarios whose name contains them.
 */
import { parseArgs } from 'node:util';
import { startMariadb } from '#local-cloud/databases/mariadb-server.js';
import { startPostgres } from '#local-cloud/databases/postgres-server.js';
import { SCENARIOS } from './crash-runs.js';
import { runCrashSuite, type Selection } from './crash-suite.js';
import { runFaultSuite } from './fault-suite.js';
import { crashTable, faultTable } from './report.js';
import { Rig } from './rig.js';

const { values } = parseArgs({
  options: {
    spread: { type: 'string' },
    'fault-rotations': { type: 'string', default: '100' },
    'crashes-only': { type: 'boolean', default: false },
    'faults-only': { type: 'boolean', default: false },
    engine: { type: 'string' },
    fault: { type: 'string' },
  },
});

const selection: Selection =
  values.spread === undefined ? { all: true } : { spread: Number(values.spread) };

const noRestart = (): Promise<void> => Promise.reject(new Error('this server cannot restart'));

const main = async (): Promise<number> => {
  const started = Date.now();
  console.log('Starting PostgreSQL and MariaDB…');
  const [postgres, mariadb] = await Promise.all([startPostgres(), startMariadb()]);
  const rig = await Rig.start({
    postgres,
    mariadb,
    restarts: {
      postgres: () => postgres.restart?.() ?? noRestart(),
      mariadb: () => mariadb.restart?.() ?? noRestart(),
    },
  });
  let violations = 0;
  try {
    if (!values['faults-only']) {
      console.log('\nCrash points (each: crash before or after the point, resume, check):');
      const scenarios = SCENARIOS.filter(
        (scenario) => values.engine === undefined || scenario.engine === values.engine,
      );
      const summaries = await runCrashSuite(rig, scenarios, selection, (line) => console.log(line));
      const table = crashTable(summaries);
      violations += table.violations;
      console.log(`\n${table.text}`);
    }
    if (!values['crashes-only']) {
      console.log('\nFaults:');
      const faults = await runFaultSuite(rig, {
        rotationsUnderFaults: Number(values['fault-rotations']),
        ...(values.fault === undefined ? {} : { only: values.fault }),
        progress: (line) => console.log(line),
      });
      const table = faultTable(faults);
      violations += table.violations;
      console.log(`\n${table.text}`);
    }
  } finally {
    await rig.stop();
    await Promise.all([postgres.stop(), mariadb.stop()]);
  }
  console.log(`\nViolations: ${violations}. ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  return violations === 0 ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
