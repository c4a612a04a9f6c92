/**
 * The rehearsal's stages: each prints what it did under its label, then one line with its
 * outcome and how long it took; a stage that fails says so and stops the demo with
 * StageFailedError, which names it.
 */
import { dim, duration, failed, line, ok } from './output.js';
import type { RotasyncRun } from './rotasync-command.js';
import { printedLines } from './rotasync-command.js';

/** A stage failed: `stage` names it, the message says why (never a secret value). */
export class StageFailedError extends Error {
  public constructor(
    public readonly stage: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StageFailedError';
  }
}

/** What a stage's work may print: lines under the stage's label. */
export interface StagePrinter {
  say(text: string): void;
  /** Shows a `rotasync` run: its command line, then the lines it printed (without `skip`). */
  showRun(run: RotasyncRun, skip?: RegExp): void;
}

/**
 * Runs one stage: `work` prints what it did and resolves the outcome to report (e.g. "passed:
 * exit 0"); a throw is the stage's failure.
 */
export const runStage = async (
  label: string,
  work: (printer: StagePrinter) => Promise<string>,
): Promise<number> => {
  let first = true;
  const say = (text: string): void => {
    line(first ? label : '', text);
    first = false;
  };
  const printer: StagePrinter = {
    say,
    showRun: (run, skip) => {
      say(`$ ${run.commandLine}`);
      for (const text of printedLines(run, skip)) say(`${dim('│')} ${text}`);
    },
  };
  const started = Date.now();
  try {
    const outcome = await work(printer);
    const took = Date.now() - started;
    say(`${ok(outcome)}  ${dim(duration(took))}`);
    return took;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    say(failed(`${label} failed after ${duration(Date.now() - started)}: ${reason}`));
    throw new StageFailedError(label, reason, { cause: error });
  }
};

/** Throws unless the run exited as expected; shows what it printed on stderr first. */
export const expectExit = (run: RotasyncRun, expected: number, printer: StagePrinter): void => {
  if (run.exitCode === expected) return;
  for (const text of run.stderr.split('\n').filter((t) => t.trim() !== '')) {
    printer.say(`${dim('│')} ${text}`);
  }
  throw new Error(`"${run.commandLine}" exited ${run.exitCode}, expected ${expected}`);
};
