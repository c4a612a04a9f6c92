/** The harness's figures as plain-text tables. */
import { formatTable } from '#bench/table.js';
import type { ScenarioSummary } from './crash-suite.js';
import type { FaultOutcome } from './fault-suite.js';

/** One row per engine and strategy (its shapes summed), and a total. */
export const crashTable = (summaries: readonly ScenarioSummary[]) => {
  const groups = new Map<string, ScenarioSummary[]>();
  for (const summary of summaries) {
    const key = `${summary.scenario.engine}|${summary.scenario.strategy}`;
    groups.set(key, [...(groups.get(key) ?? []), summary]);
  }
  const totals = {
    shapes: 0,
    sm: 0,
    sql: 0,
    crashes: 0,
    exercised: 0,
    converged: 0,
    logins: 0,
    violations: 0,
  };
  const rows = [...groups.entries()].map(([key, group]) => {
    const [engine, strategy] = key.split('|');
    const sm = group.reduce((n, s) => n + s.points.filter((p) => p.kind === 'sm').length, 0);
    const sql = group.reduce((n, s) => n + s.points.filter((p) => p.kind === 'sql').length, 0);
    const results = group.flatMap((s) => s.results);
    const converged = results.filter((r) => r.converged).length;
    const exercised = results.filter((r) => r.crashed && !r.diverged).length;
    const logins = results.reduce((n, r) => n + r.logins, 0);
    const violations = results.reduce((n, r) => n + r.violations.length, 0);
    totals.shapes += group.length;
    totals.sm += sm;
    totals.sql += sql;
    totals.crashes += results.length;
    totals.exercised += exercised;
    totals.converged += converged;
    totals.logins += logins;
    totals.violations += violations;
    return [
      engine ?? '',
      strategy ?? '',
      String(group.length),
      `${sm} + ${sql}`,
      `${exercised}/${results.length}`,
      String(converged),
      String(logins),
      String(violations),
    ];
  });
  rows.push([
    'total',
    '',
    String(totals.shapes),
    `${totals.sm} + ${totals.sql}`,
    `${totals.exercised}/${totals.crashes}`,
    String(totals.converged),
    String(totals.logins),
    String(totals.violations),
  ]);
  return {
    violations: totals.violations,
    exercised: totals.exercised,
    planned: totals.crashes,
    text: formatTable(
      [
        'engine',
        'strategy',
        'shapes',
        'points (SM calls + SQL)',
        'crash points exercised',
        'converged',
        'app logins',
        'violations',
      ],
      rows,
    ),
  };
};

export const faultTable = (outcomes: readonly FaultOutcome[]) => {
  const violations = outcomes.reduce((n, o) => n + o.violations.length, 0);
  return {
    violations,
    text: formatTable(
      [
        'fault',
        'rotations',
        'completed',
        'RotateSecret calls',
        'faults met',
        'app logins',
        'violations',
      ],
      outcomes.map((o) => [
        o.name,
        String(o.rotations),
        String(o.completed),
        String(o.rotateCalls),
        String(o.faults),
        String(o.logins),
        String(o.violations.length),
      ]),
    ),
  };
};
