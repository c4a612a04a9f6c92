/**
 * The capture session of the test file running in this worker (set by the integration project's
 * setup file), for a test that scans its own capture (the planted-leak test).
 */
import type { CaptureSession } from './capture.js';
import type { LeakScanTarget } from './run.js';

export interface ActiveCapture extends LeakScanTarget {
  readonly capture: CaptureSession;
}

let active: ActiveCapture | undefined;

export const setActiveCapture = (capture: ActiveCapture | undefined): void => {
  active = capture;
};

/** The running file's capture; throws outside the integration project. */
export const activeCapture = (): ActiveCapture => {
  if (!active) throw new Error('no leak-scan capture: run this in the integration project');
  return active;
};
