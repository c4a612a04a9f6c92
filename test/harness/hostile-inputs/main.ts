/**
 * `npm run harness:inputs`: every hostile-input target at full strength, then a table of inputs
 * tried and violations per target. Exits 1 when any invariant broke, printing a shrunk example.
 *
 *   --seed <n>    reproduce a run (default: a new seed, printed)
 *   --runs <n>    inputs per target instead of each target's full count
 *   --only <text> only the targets whose name contains <text>
 */
import { parseArgs } from 'node:util';
import { startMariadb } from '#local-cloud/databases/mariadb-server.js';
import { startPostgres } from '#local-cloud/databases/postgres-server.js';
import type { RunningDatabase } from '#local-cloud/databases/running-database.js';
import { databaseTargets, HOSTILE_INPUT_TARGETS, NETWORK_TARGETS } from './index.js';
import { runTarget, type TargetFigures } from './run.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    runs: { type: 'string' },
    only: { type: 'string' },
  },
});
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const runs = values.runs === undefined ? undefined : Number(values.runs);
if (!Number.isInteger(seed) || (runs !== undefined && !(Number.isInteger(runs) && runs > 0))) {
  console.error('--seed and --runs take whole numbers');
  process.exit(2);
}
// The real servers start on first use (a run limited by --only to other targets needs none).
let started: Promise<{ postgres: RunningDatabase; mariadb: RunningDatabase }> | undefined;
const servers = () => {
  started ??= Promise.all([startPostgres(), startMariadb()]).then(([postgres, mariadb]) => ({
    postgres,
    mariadb,
  }));
  return started;
};
const targets = [...HOSTILE_INPUT_TARGETS, ...NETWORK_TARGETS, ...databaseTargets(servers)].filter(
  (target) => values.only === undefined || target.name.includes(values.only),
);

console.log(`Hostile inputs: ${targets.length} targets, seed ${seed}`);
const figures: TargetFigures[] = [];
try {
  for (const target of targets) {
    const result = await runTarget(target, runs ?? target.runs.full, seed);
    figures.push(result);
    console.log(
      `  ${target.name.padEnd(22)} ${String(result.tried).padStart(7)} inputs  ${String(result.violations).padStart(3)} violations  ${result.seconds.toFixed(1)} s`,
    );
  }
} finally {
  if (started !== undefined) {
    const { postgres, mariadb } = await started;
    await Promise.all([postgres.stop(), mariadb.stop()]);
  }
}

const pad = (text: string, width: number) => text.padEnd(width);
console.log('');
console.log(`| ${pad('target', 22)} | through | inputs tried | violations |`);
console.log(`|${'-'.repeat(24)}|---------|--------------|------------|`);
for (const [index, result] of figures.entries()) {
  const target = targets[index];
  console.log(
    `| ${pad(result.name, 22)} | ${target?.description ?? ''} | ${result.tried} | ${result.violations} |`,
  );
}
const tried = figures.reduce((sum, result) => sum + result.tried, 0);
const violations = figures.reduce((sum, result) => sum + result.violations, 0);
console.log('');
console.log(`Total: ${tried} inputs tried, ${violations} violations (seed ${seed}).`);
for (const result of figures) {
  if (result.example === undefined) continue;
  console.log(
    `\n${result.name}: ${result.example.violation}\n  shrunk input: ${result.example.input}`,
  );
}
process.exit(violations === 0 ? 0 : 1);
