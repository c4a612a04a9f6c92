/** What every command's handler gets, and what it gives back to be printed. */
import type { AwsClients } from './aws.js';
import type { ExitCodeValue } from './exit-codes.js';
import type { CliIo } from './io.js';
import type { CommonOptions } from './options.js';
import type { Progress } from './progress.js';

export interface CommandContext {
  readonly io: CliIo;
  readonly options: CommonOptions;
  readonly aws: AwsClients;
  /** Progress on stderr (silent unless a terminal or --progress). */
  readonly progress: Progress;
}

/** A finished command: its exit code, its JSON (for --json) and its text (for people). */
export interface CommandResult {
  readonly exitCode: ExitCodeValue;
  readonly json: unknown;
  readonly text: string;
}
