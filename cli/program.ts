/**
 * The `rotasync` command line: one commander program, one subcommand per module under
 * commands/, shared options, and the rules every subcommand follows: results on stdout (a table
 * for people, only JSON with --json), progress and errors on stderr, and an exit code from
 * exit-codes.ts.
 */
import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { createAwsClients } from './aws.js';
import { describeDrill, runDrill } from './commands/drill.js';
import { describeEnroll, runEnroll } from './commands/enroll.js';
import { describeFailback, runFailback } from './commands/failback.js';
import { describeFailover, runFailover } from './commands/failover.js';
import { describeReconcile, runReconcile } from './commands/reconcile.js';
import { describeRotate, runRotate } from './commands/rotate.js';
import { describeStatus, runStatus } from './commands/status.js';
import type { CommandContext, CommandResult } from './context.js';
import { CliError } from './errors.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { CliIo } from './io.js';
import { type RawCommonOptions, resolveCommonOptions, withCommonOptions } from './options.js';
import { createProgress } from './progress.js';

type Handler<O> = (
  context: CommandContext,
  options: O,
  args: readonly string[],
) => Promise<CommandResult>;

const EXIT_CODES_HELP = `
Exit codes:
  0  done, nothing wanting
  1  problems found: status --check problems, drill not ready, rotation failed, drift left,
     failover or failback failed
  2  usage error (bad command, option or value)
  3  AWS or function error (credentials, access, not found, throttling, a function's error)
  4  still unfinished when the wait ended (--timeout, --max-wait)

Options of every command: --region, --endpoint, --profile, --stage or --function-prefix,
--json, --progress/--no-progress. Run "rotasync <command> --help" for each command.`;

/** Runs the command line `argv` (without node and script); resolves the exit code. */
export const runRotasync = async (argv: readonly string[], io: CliIo): Promise<ExitCodeValue> => {
  // Parse errors come before the options are read: --json is looked for in argv itself.
  const jsonRequested = argv.includes('--json');
  let exitCode: ExitCodeValue = ExitCode.Ok;

  const attach = <O extends RawCommonOptions>(command: Command, handler: Handler<O>): Command =>
    command.action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const raw = self.opts<O>();
      const options = resolveCommonOptions(raw, io);
      const context: CommandContext = {
        io,
        options,
        aws: createAwsClients(options),
        progress: createProgress(io, options.progress),
      };
      try {
        const result = await handler(context, raw, self.args);
        // The progress line goes before the results are printed; commands leave that to here.
        context.progress.end();
        io.stdout.write(
          options.json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text}\n`,
        );
        exitCode = result.exitCode;
      } finally {
        context.progress.end();
        context.aws.destroy();
      }
    });

  const program = new Command('rotasync')
    .description(
      'Operate Rotasync: rotation status, rotate and enroll secrets, and the disaster-recovery drill, reconcile, failover and failback.',
    )
    .version(packageJson.version, '-V, --version')
    .showHelpAfterError('(run "rotasync --help" or "rotasync <command> --help" for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const subcommand = (name: string): Command =>
    program
      .command(name)
      .exitOverride()
      .showHelpAfterError(`(run "rotasync ${name} --help" for usage)`);

  attach(withCommonOptions(describeStatus(subcommand('status'))), runStatus);
  attach(withCommonOptions(describeRotate(subcommand('rotate'))), runRotate);
  attach(withCommonOptions(describeEnroll(subcommand('enroll'))), runEnroll);
  attach(withCommonOptions(describeDrill(subcommand('drill'))), runDrill);
  attach(withCommonOptions(describeReconcile(subcommand('reconcile'))), runReconcile);
  attach(
    withCommonOptions(describeFailover(subcommand('failover')), { region: false }),
    runFailover,
  );
  attach(
    withCommonOptions(describeFailback(subcommand('failback')), { region: false }),
    runFailback,
  );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(error, io, jsonRequested);
  }
};

/** Prints a failure (stderr; and stdout as JSON with --json) and resolves its exit code. */
const report = (error: unknown, io: CliIo, json: boolean): ExitCodeValue => {
  if (error instanceof CommanderError) {
    // Help and version were printed by commander and are successes; everything else is usage.
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      (error.code === 'commander.help' && error.exitCode === 0)
    ) {
      return ExitCode.Ok;
    }
    if (json)
      writeJsonError(io, 'UsageError', error.message.replace(/^error: /, ''), ExitCode.Usage);
    return ExitCode.Usage;
  }
  const failure =
    error instanceof CliError
      ? error
      : new CliError(
          `unexpected error (please report it): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          ExitCode.AwsError,
          'UnexpectedError',
        );
  io.stderr.write(`rotasync: ${failure.message}\n`);
  if (json) writeJsonError(io, failure.code, failure.message, failure.exitCode);
  return failure.exitCode;
};

const writeJsonError = (io: CliIo, code: string, message: string, exitCode: number): void => {
  io.stdout.write(`${JSON.stringify({ error: { code, message, exitCode } }, null, 2)}\n`);
};
