/**
 * `rotasync reconcile [--dry-run]`: invokes the deployed `reconcile` function in the Region, which
 * compares every replicated secret with its replicas and repairs drift (or, dry, only reports it).
 */
import type { Command } from 'commander';
import type { ReconcileReport } from '#functions/reconcile/reconcile.js';
import type { CommandContext, CommandResult } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { deployedName, expectAnswer, invokeFunction } from '../invoke-function.js';
import { secretNameOfArn } from '../names.js';
import type { RawCommonOptions } from '../options.js';
import { renderTable } from '../table.js';

/** The reconcile function's report: its own type, so a change there is a compile error here. */
export type { ReconcileReport };

export interface ReconcileOptions extends RawCommonOptions {
  readonly dryRun?: boolean;
}

export const describeReconcile = (command: Command): Command =>
  command
    .description(
      'Compare every replicated secret of the Region with its replicas and repair drift, through the deployed reconcile function.',
    )
    .option('--dry-run', 'report drift and write nothing')
    .addHelpText(
      'after',
      `
Exit codes: 0 nothing left drifted; 1 drift found (--dry-run) or not repaired, or secrets that
could not be checked; 2 usage; 3 AWS or function error.

Examples:
  rotasync reconcile --region us-east-1 --dry-run
  rotasync reconcile --stage prod --json`,
    );

/** Runs one sweep and reports it. */
export const runReconcile = async (
  context: CommandContext,
  options: ReconcileOptions,
): Promise<CommandResult> => {
  const region = await context.aws.region();
  const dryRun = options.dryRun === true;
  const name = deployedName(context, 'reconcile');
  context.progress.update(`reconcile: sweeping ${region}${dryRun ? ' (dry run)' : ''}…`);
  const report = expectAnswer<ReconcileReport>(
    context,
    'reconcile',
    await invokeFunction(context, 'reconcile', region, { dryRun }),
    ['checked', 'inSync', 'drift', 'errors'],
  );
  const leftDrifted = dryRun ? report.drift.length : report.drift.filter((d) => !d.repaired).length;
  const exitCode =
    leftDrifted > 0 || report.errors.length > 0 || report.failed > 0
      ? ExitCode.ProblemsFound
      : ExitCode.Ok;
  return {
    exitCode,
    json: { function: name, region, report },
    text: renderReport(name, region, report),
  };
};

const renderReport = (name: string, region: string, report: ReconcileReport): string => {
  const lines = [
    `reconcile in ${region} (${name})${report.dryRun ? ', dry run: nothing written' : ''}`,
    `  ${report.checked} secret × Region pairs checked: ${report.inSync} in sync, ${report.drift.length} drifted, ${report.repaired} repaired, ${report.failed} failed`,
  ];
  if (report.drift.length > 0) {
    lines.push(
      '',
      renderTable(
        ['SECRET', 'REGION', 'REASON', 'REPAIRED'],
        report.drift.map((drift) => [
          secretNameOfArn(drift.secret),
          drift.region,
          drift.reason,
          drift.repaired
            ? 'yes'
            : drift.error !== undefined
              ? `no: ${drift.error}`
              : report.dryRun
                ? 'no (dry run)'
                : 'no',
        ]),
      ),
    );
  }
  if (report.errors.length > 0) {
    lines.push('', 'Could not check:');
    for (const failure of report.errors) {
      lines.push(`  ${secretNameOfArn(failure.secret)}: ${failure.error}`);
    }
  }
  if (report.unlisted !== undefined) {
    lines.push(
      '',
      `… and ${report.unlisted.drift} more drifted and ${report.unlisted.errors} more unchecked, counted but not listed`,
    );
  }
  // A sweep too large for one invocation goes on in the function's next parts.
  if (report.continuation !== undefined) {
    lines.push(
      '',
      `The sweep continues in the background as part ${report.continuation.part} (sweep ${report.continuation.id}); each part logs its report.`,
    );
  }
  const verdict =
    report.drift.length === 0 && report.errors.length === 0
      ? report.continuation === undefined
        ? '✓ every replica in sync'
        : '✓ in sync so far'
      : report.dryRun
        ? `✗ ${report.drift.length} drifted (run without --dry-run to repair)`
        : report.drift.every((d) => d.repaired) && report.errors.length === 0
          ? `✓ ${report.repaired} repaired`
          : '✗ drift left';
  lines.push('', verdict);
  return lines.join('\n');
};
