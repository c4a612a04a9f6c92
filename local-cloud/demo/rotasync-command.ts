/**
 * Runs the `rotasync` command in-process, exactly as an operator's shell would run it against
 * the local cloud (`--endpoint`, `--stage local`), and keeps what it printed so the demo can show
 * it. The command signs as `local-operator`: the local cloud checks no signature, and a caller's
 * own AWS credentials have no business being sent to it.
 */
import type { CliIo } from '#cli/io.js';
import { runRotasync } from '#cli/program.js';

/** One run of the command: its command line, exit code, output and duration. */
export interface RotasyncRun {
  /** The command line as an operator types it. */
  readonly commandLine: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/**
 * Makes the SDK's default credential chain, which the command uses, find local credentials in
 * this process's environment (before a profile, SSO or the instance metadata service).
 */
export const useLocalOperatorCredentials = (): void => {
  process.env.AWS_ACCESS_KEY_ID = 'local-operator';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_SESSION_TOKEN;
};

const capture = (): { write(text: string): void; isTTY: false; text(): string } => {
  let text = '';
  return {
    write: (chunk) => {
      text += chunk;
    },
    isTTY: false,
    text: () => text,
  };
};

/** `rotasync <argv…> --endpoint <endpoint> --stage local`, run in this process. */
export const runRotasyncCommand = async (
  endpoint: string,
  argv: readonly string[],
): Promise<RotasyncRun> => {
  const fullArgv = [...argv, '--endpoint', endpoint, '--stage', 'local'];
  const stdout = capture();
  const stderr = capture();
  const io: CliIo = {
    stdout,
    stderr,
    // Every option is on the command line: the demo's own environment must not steer it.
    env: {},
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const started = Date.now();
  const exitCode = await runRotasync(fullArgv, io);
  return {
    commandLine: `rotasync ${fullArgv.join(' ')}`,
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
    durationMs: Date.now() - started,
  };
};

/** The non-blank lines a run printed on stdout, without those `skip` matches. */
export const printedLines = (run: RotasyncRun, skip?: RegExp): string[] =>
  run.stdout
    .split('\n')
    .map((text) => text.trimEnd())
    .filter((text) => text !== '' && !(skip?.test(text) ?? false));
