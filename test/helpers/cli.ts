/**
 * Runs the `rotasync` command in-process, as a test would from a shell: the command line, its
 * stdout and stderr captured, its exit code, and the environment and clock a test chooses.
 */

import type { CliIo } from '#cli/io.js';
import { runRotasync } from '#cli/program.js';
import { tapText } from '#local-cloud/taps.js';

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for --json runs); throws when it is not exactly one JSON value. */
  json<T = Record<string, unknown>>(): T;
}

export interface CliRunOptions {
  /** Extra environment on top of the process's (e.g. AWS_REGION). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock the command sees; the real one by default. */
  readonly now?: () => Date;
  /** Whether stderr looks like a terminal (progress in place); false by default. */
  readonly stderrIsTTY?: boolean;
}

/** Every line any run printed, for the suite's leak checks. */
export const everythingPrinted: string[] = [];

/** Runs `rotasync <argv…>` and captures what it printed. */
export const runCli = async (
  argv: readonly string[],
  options: CliRunOptions = {},
): Promise<CliRun> => {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: {
      write: (text) => {
        stdout += text;
      },
      isTTY: false,
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
      isTTY: options.stderrIsTTY ?? false,
    },
    env: { ...process.env, ...options.env },
    now: options.now ?? (() => new Date()),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const exitCode = await runRotasync(argv, io);
  everythingPrinted.push(stdout, stderr);
  // The integration suite's leak scan reads every command's output (local-cloud/taps.ts).
  // The source names the stream only: the command line may carry anything.
  tapText('cli-output', 'rotasync stdout', () => stdout);
  tapText('cli-output', 'rotasync stderr', () => stderr);
  return {
    exitCode,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout) as T,
  };
};
