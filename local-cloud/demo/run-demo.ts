/**
 * How the demo ends: its clean-up always runs, and the exit code says whether everything,
 * clean-up included, went well; a failure is said once, naming the stage when a stage failed.
 */
import { StageFailedError } from './stages.js';

export interface DemoParts {
  /** The scenes; throws on the first failure. */
  readonly main: () => Promise<void>;
  /** Stops the servers and removes the files; resolves false when a step of it failed. */
  readonly cleanUp: () => Promise<boolean>;
}

/** Runs the demo, then its clean-up; resolves the exit code: 0, or 1 after saying what failed. */
export const runDemo = async (
  { main, cleanUp }: DemoParts,
  report: (text: string) => void = console.error,
): Promise<number> => {
  let exitCode = 0;
  try {
    await main();
  } catch (error) {
    const where = error instanceof StageFailedError ? ` at stage "${error.stage}"` : '';
    report(`\nThe demo failed${where}: ${error instanceof Error ? error.message : String(error)}`);
    exitCode = 1;
  }
  if (!(await cleanUp())) {
    report('The demo could not clean up after itself (see above).');
    exitCode = 1;
  }
  return exitCode;
};
