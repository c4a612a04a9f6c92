/**
 * Setup file of the integration project (vitest `setupFiles`): runs before each test file, in
 * its worker, and captures everything the local cloud and its functions put out while the file
 * runs, and every value created, into the leak scan's run folder (`inject('leakScan')`, made by
 * the global setup, which scans it after the last test). The capture starts before the test
 * file is imported, so values a file makes at its top level are learned too.
 */
import { relative } from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { tapText } from '#local-cloud/taps.js';
import { setActiveCapture } from '#test/harness/leak-scan/active.js';
import { labelFor, startCapture } from '#test/harness/leak-scan/capture.js';
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

/**
 * What the worker process itself writes (a handler run in-process logs with Powertools straight
 * to stdout; a test's console output) is output too: each write is tapped, then written as before.
 */
const tapWrites = (stream: NodeJS.WriteStream, source: string): (() => void) => {
  const write = stream.write;
  stream.write = function tappedWrite(this: NodeJS.WriteStream, chunk: unknown, ...rest: never[]) {
    tapText('test-process-output', source, () =>
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
    );
    return write.call(this, chunk as string, ...rest);
  } as typeof stream.write;
  return () => {
    stream.write = write;
  };
};
const untapWrites = [tapWrites(process.stdout, 'stdout'), tapWrites(process.stderr, 'stderr')];

// Registered before the file's own hooks, so it runs after them (vitest runs afterAll hooks in
// reverse): the stacks a file stops in its afterAll have printed their last lines.
afterAll(() => {
  for (const untap of untapWrites) untap();
  capture.stop();
  setActiveCapture(undefined);
});
