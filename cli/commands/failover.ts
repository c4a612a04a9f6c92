/**
 * `rotasync failover --region R --confirm R`: invokes the deployed `failover` function in the
 * recovery Region R, which promotes the replica databases and turns the replica secrets into
 * sources. A promotion can outlive one invocation: while the function answers "in-progress" the
 * command invokes it again (it continues where it stopped), with progress on stderr, until it
 * is done or failed, or --max-wait passes.
 */
import type { Command } from 'commander';
import type { FailoverReport } from '#functions/failover/failover.js';
import type { CommandContext, CommandResult } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { deployedName, expectAnswer, invokeFunction } from '../invoke-function.js';
import {
  confirmedRegion,
  parseDuration,
  parseSecretSelector,
  type RawCommonOptions,
  withSecretSelector,
} from '../options.js';
import { formatDuration, renderTable } from '../table.js';

export interface FailoverOptions extends RawCommonOptions {
  readonly confirm?: string;
  readonly dryRun?: boolean;
  readonly secrets?: string[];
  readonly tag?: string;
  readonly maxWait?: string;
  readonly interval?: string;
}

const DEFAULT_MAX_WAIT = '30m';
const DEFAULT_INTERVAL = '5s';

export const describeFailover = (command: Command): Command =>
  withSecretSelector(
    command
      .description(
        'Fail over to a recovery Region: promote its replica databases and make its replica secrets the sources, rotating there (the deployed failover function, invoked again while it reports in-progress).',
      )
      .requiredOption('--region <region>', 'the recovery Region to fail over to')
      .requiredOption('--confirm <region>', 'the same Region again, to confirm')
      .option('--dry-run', 'report what would be done and change nothing')
      .option(
        '--max-wait <duration>',
        'how long to keep invoking while in progress',
        DEFAULT_MAX_WAIT,
      )
      .option(
        '--interval <duration>',
        'the pause between invocations while in progress',
        DEFAULT_INTERVAL,
      ),
  ).addHelpText(
    'after',
    `
Exit codes: 0 done (or, with --dry-run, nothing would fail); 1 failed (the report says where; run
it again to continue); 2 usage, e.g. --confirm not repeating --region; 3 AWS or function error;
4 still in progress after --max-wait (run it again to continue).

Examples:
  rotasync failover --region us-west-2 --confirm us-west-2 --dry-run --stage prod
  rotasync failover --region us-west-2 --confirm us-west-2 --secrets prod/db/app,prod/db/orders`,
  );

/** Runs the failover to its end, or until --max-wait. */
export const runFailover = async (
  context: CommandContext,
  options: FailoverOptions,
): Promise<CommandResult> => {
  const region = confirmedRegion(options);
  const selector = parseSecretSelector(options);
  const maxWaitMs = parseDuration(options.maxWait ?? DEFAULT_MAX_WAIT, '--max-wait');
  const intervalMs = parseDuration(options.interval ?? DEFAULT_INTERVAL, '--interval');
  const name = deployedName(context, 'failover');
  const payload = {
    region,
    confirm: region,
    secrets: selector,
    dryRun: options.dryRun === true,
  };
  const started = context.io.now().getTime();
  let invocations = 0;
  let report: FailoverReport;
  for (;;) {
    invocations += 1;
    context.progress.update(
      `failover to ${region}: invocation ${invocations}${invocations > 1 ? ` (${formatDuration(context.io.now().getTime() - started)})` : ''}…`,
    );
    report = expectAnswer<FailoverReport>(
      context,
      'failover',
      await invokeFunction(context, 'failover', region, payload),
      ['state', 'databases', 'secrets'],
    );
    const elapsed = context.io.now().getTime() - started;
    if (report.state !== 'in-progress' || elapsed + intervalMs > maxWaitMs) break;
    context.progress.update(
      `failover to ${region}: ${progressLine(report)} (${formatDuration(elapsed)})`,
    );
    await context.io.sleep(intervalMs);
  }
  const elapsedMs = context.io.now().getTime() - started;
  return {
    exitCode:
      report.state === 'done'
        ? ExitCode.Ok
        : report.state === 'failed'
          ? ExitCode.ProblemsFound
          : ExitCode.Unfinished,
    json: { function: name, region, invocations, elapsedMs, report },
    text: renderFailover(name, region, report, invocations, elapsedMs),
  };
};

const count = (items: readonly { status: string }[], status: string): number =>
  items.filter((item) => item.status === status).length;

const progressLine = (report: FailoverReport): string => {
  const promoting = count(report.databases, 'promoting');
  const done = report.secrets.filter(
    (s) => s.status === 'done' || s.status === 'already-done',
  ).length;
  return `in progress: ${promoting} database${promoting === 1 ? '' : 's'} promoting, ${done}/${report.secrets.length} secrets done`;
};

const renderFailover = (
  name: string,
  region: string,
  report: FailoverReport,
  invocations: number,
  elapsedMs: number,
): string => {
  const lines = [
    `failover to ${region} (${name})${report.dryRun ? ', dry run: nothing changed' : ''}: ${report.state.toUpperCase()} after ${invocations} invocation${invocations === 1 ? '' : 's'}, ${formatDuration(elapsedMs)}`,
  ];
  if (report.databases.length > 0) {
    lines.push(
      '',
      'Databases:',
      renderTable(
        ['DATABASE', 'KIND', 'STATUS'],
        report.databases.map((db) => [
          db.id,
          db.kind,
          db.error === undefined ? db.status : `${db.status}: ${db.error}`,
        ]),
      ),
    );
  }
  if (report.secrets.length > 0) {
    lines.push(
      '',
      'Secrets:',
      renderTable(
        ['SECRET', 'STATUS', 'LOGIN', 'WRITE', 'ROTATION'],
        report.secrets.map((secret) => [
          secret.secret,
          secret.error === undefined ? secret.status : `${secret.status}: ${secret.error}`,
          secret.checks?.login ?? '-',
          secret.checks?.write ?? '-',
          secret.rotation ?? '-',
        ]),
      ),
    );
  }
  lines.push(
    '',
    report.state === 'done'
      ? report.dryRun
        ? `✓ dry run: the failover to ${region} would proceed as listed`
        : `✓ ${region} is now the primary: its secrets are sources and rotate there`
      : report.state === 'failed'
        ? `✗ the failover to ${region} failed where listed; fix the cause and run the same command again: it continues`
        : `… still in progress after ${formatDuration(elapsedMs)}: run the same command again to continue`,
  );
  return lines.join('\n');
};
