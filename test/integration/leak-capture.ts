/**
 * Setup file of the integration project (vitest `setupFiles`): runs before each test file, in
 * its worker, and captures everything the local cloud and its functions put out while the file
 * runs, and every value created, into the leak scan's run folder (`inject('leakScan')`, made by
 * the global setup, which scans it after the last test). The capture starts before the test
 * file is imported, so values a file makes at its top level are learned too.
 */
import { relative } from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { setActiveCapture } from '#test/harness/leak-scan/active.js';
import { labelFor, startCapture, tapWrites } from '#test/harness/leak-scan/capture.js';
import type { LeakScanTarget } from '#test/harness/leak-scan/run.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The leak scan's run folder and fingerprint key (test/harness/leak-scan/run.ts). */
    leakScan: LeakScanTarget;
  }
}

const target = inject('leakScan');
const testFile = relative(process.cwd(), expect.getState().testPath ?? 'unknown');
const capture = startCapture(target.dir, `${labelFor(testFile)}-${process.pid}`);
setActiveCapture({ ...target, capture });

// What the worker itself writes (a handler run in-process logs with Powertools straight to
// stdout) is output too.
const untapWrites = [
  tapWrites(process.stdout, 'worker stdout'),
  tapWrites(process.stderr, 'worker stderr'),
];

// Registered before the file's own hooks, so it runs after them (vitest runs afterAll hooks in
// reverse): the stacks a file stops in its afterAll have printed their last lines.
afterAll(() => {
  for (const untap of untapWrites) untap();
  capture.stop();
  setActiveCapture(undefined);
});
