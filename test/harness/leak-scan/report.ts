/**
 * How a scan reads to a person: a short summary for the end of the integration run, one line per
 * finding (stream, file, line, column, source, fingerprint, origin, encoding: never the value),
 * and the figures as JSON for the harness output.
 */
import type { Finding, ScanReport } from './scan.js';

const count = (n: number): string => n.toLocaleString('en-US');
const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** One line per finding. */
const formatFinding = (finding: Finding): string =>
  `  ${finding.stream}: ${finding.file} line ${finding.line} column ${finding.column}` +
  ` [${finding.source}]: value ${finding.value} (${finding.origin}) as ${finding.encoding}`;

/** The summary: figures, then each violation and each plant not found. */
export const formatSummary = (report: ScanReport): string => {
  const streams = Object.entries(report.streams)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, figures]) => `${name} ${count(figures.lines)}`)
    .join(' · ');
  const found = report.plants.expected - report.plants.missing.length;
  const lines = [
    `Leak scan: ${count(report.values)} values (${report.floor}+ characters; ` +
      `${count(report.belowFloor)} shorter not scanned) in ${count(report.needles)} encoded forms, ` +
      `searched in ${count(report.lines)} lines (${megabytes(report.bytes)}) of ` +
      `${Object.keys(report.streams).length} streams: ${report.violations.length} violations, ` +
      `${found} of ${report.plants.expected} planted leaks found (${report.durationMs} ms).`,
    `  lines per stream: ${streams}`,
  ];
  if (report.violations.length > 0) {
    lines.push('Values the suite created were found in captured output:');
    lines.push(...report.violations.map(formatFinding));
  }
  if (report.plants.missing.length > 0) {
    lines.push('Planted leaks the scan did not find (the scan is blind to them):');
    lines.push(
      ...report.plants.missing.map(
        (plant) =>
          `  value ${plant.value} planted by ${plant.plantedBy} in ${plant.stream} as ${plant.encoding}`,
      ),
    );
  }
  return lines.join('\n');
};

/** The figures as the harness output keeps them (JSON; fingerprints and origins, no values). */
export const reportFigures = (report: ScanReport) => ({
  values: report.values,
  belowFloor: report.belowFloor,
  floor: report.floor,
  encodedForms: report.needles,
  streams: report.streams,
  lines: report.lines,
  bytes: report.bytes,
  violations: report.violations,
  plants: {
    expected: report.plants.expected,
    found: report.plants.expected - report.plants.missing.length,
    missing: report.plants.missing,
  },
  durationMs: report.durationMs,
});
