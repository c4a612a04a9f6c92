/**
 * `rotasync failback --region OLD --confirm OLD`: after a failover, when the old Region is back,
 * invokes the deployed `failback` function in the Region that is now primary, which makes the
 * old Region's secrets replicas of the promoted ones (so replication runs the other way). A
 * secret changed in the old Region after the failover is refused unless --force.
 */
import type { Command } from 'commander';
import type { FailbackReport } from '#functions/failback/failback.js';
import type { CommandContext, CommandResult } from '../context.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { deployedName, expectAnswer, invokeFunction } from '../invoke-function.js';
import {
  confirmedRegion,
  parseRegion,
  parseSecretSelector,
  type RawCommonOptions,
  withSecretSelector,
} from '../options.js';
import { renderTable } from '../table.js';

export interface FailbackOptions extends RawCommonOptions {
  readonly confirm?: string;
  readonly primaryRegion?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly secrets?: string[];
  readonly tag?: string;
}

export const describeFailback = (command: Command): Command =>
  withSecretSelector(
    command
      .description(
        "After a failover, make the old Region's secrets replicas of the promoted ones, so replication runs the other way (the deployed failback function, run in the Region that is now primary).",
      )
      .requiredOption('--region <region>', 'the old Region, whose secrets become replicas')
      .requiredOption('--confirm <region>', 'the old Region again, to confirm')
      .option(
        '--primary-region <region>',
        'the Region that is primary now, where failback runs (default: AWS_REGION or AWS_DEFAULT_REGION)',
      )
      .option('--force', 'also overwrite secrets changed in the old Region after the failover')
      .option('--dry-run', 'report what would be done and change nothing'),
  ).addHelpText(
    'after',
    `
Exit codes: 0 done; 1 failed (e.g. a secret changed after the failover: --force overwrites it);
2 usage, e.g. --confirm not repeating --region; 3 AWS or function error.

Example (the failover went to us-west-2; us-east-1 is back):
  rotasync failback --region us-east-1 --confirm us-east-1 --primary-region us-west-2 --dry-run`,
  );

/** Runs the failback and reports it. */
export const runFailback = async (
  context: CommandContext,
  options: FailbackOptions,
): Promise<CommandResult> => {
  const oldRegion = confirmedRegion(options);
  const primaryText =
    options.primaryRegion ?? context.io.env.AWS_REGION ?? context.io.env.AWS_DEFAULT_REGION;
  if (primaryText === undefined || primaryText === '') {
    throw new UsageError(
      'Give --primary-region: the Region that is primary now, where failback runs.',
    );
  }
  const primary = parseRegion(primaryText, '--primary-region');
  if (primary === oldRegion) {
    throw new UsageError(
      `--primary-region and --region are both ${primary}: failback runs in the promoted Region and names the old one.`,
    );
  }
  const selector = parseSecretSelector(options);
  const name = deployedName(context, 'failback');
  context.progress.update(`failback: ${oldRegion} becomes a replica of ${primary}…`);
  const report = expectAnswer<FailbackReport>(
    context,
    'failback',
    await invokeFunction(context, 'failback', primary, {
      region: oldRegion,
      confirm: oldRegion,
      secrets: selector,
      force: options.force === true,
      dryRun: options.dryRun === true,
    }),
    ['state', 'secrets'],
  );
  return {
    exitCode: report.state === 'done' ? ExitCode.Ok : ExitCode.ProblemsFound,
    json: { function: name, region: primary, report },
    text: renderFailback(name, primary, oldRegion, report),
  };
};

const renderFailback = (
  name: string,
  primary: string,
  oldRegion: string,
  report: FailbackReport,
): string => {
  const lines = [
    `failback of ${oldRegion} from ${primary} (${name} in ${primary})${report.dryRun ? ', dry run: nothing changed' : ''}: ${report.state.toUpperCase()}`,
  ];
  if (report.secrets.length > 0) {
    lines.push(
      '',
      renderTable(
        ['SECRET', 'STATUS'],
        report.secrets.map((secret) => [
          secret.secret,
          secret.error === undefined ? secret.status : `${secret.status}: ${secret.error}`,
        ]),
      ),
    );
  }
  const changed = report.secrets.filter((secret) => secret.status === 'changed-after-failover');
  lines.push(
    '',
    report.state === 'done'
      ? report.dryRun
        ? `✓ dry run: ${oldRegion}'s secrets would become replicas of ${primary}'s`
        : `✓ ${oldRegion}'s secrets are replicas of ${primary}'s: replication runs ${primary} → ${oldRegion}`
      : changed.length > 0
        ? `✗ ${changed.length === 1 ? '1 secret' : `${changed.length} secrets`} changed in ${oldRegion} after the failover: check ${changed.length === 1 ? 'it' : 'them'}, then run again with --force to overwrite`
        : '✗ failback failed where listed; fix the cause and run the same command again',
  );
  return lines.join('\n');
};
