/**
 * One leak-scan run, driven by the integration project's global setup: a run folder the workers
 * capture into (their setup file, test/integration/leak-capture.ts), the global setup's own
 * capture (the shared database servers' logs), and at the end the scan: a short summary printed,
 * `.rotasync/leak-scan.json` written, and an error thrown when a created value was found or a
 * planted one was not (vitest then fails the run). Values never outlive the run on disk; the
 * captures are kept when the scan fails, or when ROTASYNC_LEAK_SCAN_KEEP=1.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tapValue } from '#local-cloud/taps.js';
import { type CaptureSession, startCapture, VALUES_SUFFIX } from './capture.js';
import { formatSummary, reportFigures } from './report.js';
import { type ScanReport, scanRun } from './scan.js';

/** What the workers need: where to write, and the key of the fingerprints. */
export interface LeakScanTarget {
  readonly dir: string;
  readonly key: string;
}

export interface LeakScanRun extends LeakScanTarget {
  /** Adds a value the suite created outside the taps (e.g. a server's admin password). */
  learn(origin: string, value: string): void;
  /** Scans, reports, cleans up; throws when the scan fails. */
  finish(): Promise<ScanReport>;
  /** Stops capturing and removes the run folder, unscanned (the suite could not start). */
  discard(): Promise<void>;
}

/** Starts a run under `<projectRoot>/.rotasync/leak-scan/`. */
export const startLeakScanRun = async (projectRoot: string): Promise<LeakScanRun> => {
  const parent = join(projectRoot, '.rotasync', 'leak-scan');
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(parent, 'run-'));
  const key = randomBytes(32).toString('hex');
  const capture: CaptureSession = startCapture(dir, 'global-setup');
  return {
    dir,
    key,
    learn: (origin, value) => tapValue(origin, value),
    finish: async () => {
      capture.stop();
      const report = await scanRun(dir, { key });
      const failed = report.violations.length > 0 || report.plants.missing.length > 0;
      await writeFile(
        join(projectRoot, '.rotasync', 'leak-scan.json'),
        `${JSON.stringify(reportFigures(report), null, 2)}\n`,
      );
      // The values files hold every value in clear: never kept. The captures are kept when the
      // scan failed, for a person to read at the lines named.
      for (const file of await readdir(dir)) {
        if (file.endsWith(VALUES_SUFFIX)) await rm(join(dir, file));
      }
      const keep = failed || process.env.ROTASYNC_LEAK_SCAN_KEEP === '1';
      if (!keep) await rm(dir, { recursive: true, force: true });
      console.log(`\n${formatSummary(report)}${keep ? `\n  captures kept in ${dir}` : ''}`);
      if (failed) {
        throw new Error(
          `leak scan failed: ${report.violations.length} violations, ` +
            `${report.plants.missing.length} planted leaks not found; captures kept in ${dir}`,
        );
      }
      return report;
    },
    discard: async () => {
      capture.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
