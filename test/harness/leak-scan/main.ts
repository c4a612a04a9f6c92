/**
 * `npm run harness:leaks`: after the integration project has run (its global teardown scans and
 * writes `.rotasync/leak-scan.json`), prints the scan's figures as tables. The run itself fails
 * on any violation, before this prints.
 */
import { readFileSync } from 'node:fs';
import { printTable } from '#bench/table.js';
import { projectPath } from '#test/helpers/project-files.js';
import type { reportFigures } from './report.js';

type Figures = ReturnType<typeof reportFigures>;

const figures = JSON.parse(
  readFileSync(projectPath('.rotasync/leak-scan.json'), 'utf8'),
) as Figures;
const count = (n: number): string => n.toLocaleString('en-US');

printTable(
  'Leak scan: what was searched',
  ['stream', 'capture files', 'lines', 'MB'],
  [
    ...Object.entries(figures.streams)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stream, s]) => [stream, count(s.files), count(s.lines), (s.bytes / 1e6).toFixed(1)]),
    ['total', '', count(figures.lines), (figures.bytes / 1e6).toFixed(1)],
  ],
);
printTable(
  'Leak scan: for what, and what was found',
  [
    'values scanned',
    `shorter than ${figures.floor}`,
    'encoded forms',
    'violations',
    'plants found',
    'scan ms',
  ],
  [
    [
      count(figures.values),
      count(figures.belowFloor),
      count(figures.encodedForms),
      count(figures.violations.length),
      `${figures.plants.found} of ${figures.plants.expected}`,
      count(figures.durationMs),
    ],
  ],
);
