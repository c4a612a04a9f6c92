/**
 * Runs crash points over scenarios and sums them up per engine and strategy, for the full run
 * (`npm run harness:reliability`) and the reduced one in `npm test`.
 */

import {
  type CrashResult,
  crashAt,
  describe,
  enumeratePoints,
  type Scenario,
  type Side,
  Targets,
} from './crash-runs.js';
import type { Point } from './interceptor.js';
import type { Rig } from './rig.js';

/** Which points of a scenario to crash at: every one, or an even spread of `count`. */
export type Selection = { readonly all: true } | { readonly spread: number };

export interface ScenarioSummary {
  readonly scenario: Scenario;
  readonly points: readonly Point[];
  readonly results: readonly CrashResult[];
}

/** The (index, side) pairs a selection picks from `count` points. */
export const pick = (count: number, selection: Selection): [number, Side][] => {
  const all = Array.from({ length: count }, (_, index) =>
    (['before', 'after'] as const).map((side): [number, Side] => [index, side]),
  ).flat();
  if ('all' in selection) return all;
  const wanted = Math.min(selection.spread, all.length);
  const step = all.length / wanted;
  return Array.from({ length: wanted }, (_, n) => all[Math.floor(n * step + step / 2)]).filter(
    (entry): entry is [number, Side] => entry !== undefined,
  );
};

/** Runs `scenarios`, each at the points `selection` picks; `progress` gets one line each. */
export const runCrashSuite = async (
  rig: Rig,
  scenarios: readonly Scenario[],
  selection: Selection,
  progress: (line: string) => void = () => undefined,
): Promise<ScenarioSummary[]> => {
  const targets = new Targets(rig);
  const summaries: ScenarioSummary[] = [];
  for (const scenario of scenarios) {
    const points = await enumeratePoints(rig, targets, scenario);
    const results: CrashResult[] = [];
    for (const [index, side] of pick(points.length, selection)) {
      const result = await crashAt(rig, targets, scenario, points, index, side);
      results.push(result);
      if (result.violations.length > 0 || result.diverged) {
        const at = points[index];
        progress(
          `  ${describe(scenario)}: ${side} ${at?.step ?? '?'} ${at?.kind ?? '?'} ${at?.label ?? '?'}: ${
            result.diverged ? 'diverged; ' : ''
          }${result.violations.join('; ')}`,
        );
      }
    }
    const sm = points.filter((point) => point.kind === 'sm').length;
    progress(
      `${describe(scenario)}: ${points.length} points (${sm} Secrets Manager calls, ${
        points.length - sm
      } SQL statements), ${results.length} crash points, ${results.reduce(
        (sum, result) => sum + result.violations.length,
        0,
      )} violations`,
    );
    summaries.push({ scenario, points, results });
  }
  return summaries;
};
