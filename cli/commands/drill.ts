/**
 * `rotasync drill`: invokes the deployed `drill` function in a recovery Region, which checks,
 * read-only, that every replica secret there is ready for a failover (value in sync with its
 * source, credentials that log in, the replica database available). The function is invoked with
 * `failOnProblems: false` and the command's exit code comes from its verdict.
 */
import type { Command } from 'commander';
import type { DrillReport } from '#functions/drill/drill.js';
import type { CommandContext, CommandResult } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { deployedName, expectAnswer, invokeFunction } from '../invoke-function.js';
import { parseSecretSelector, type RawCommonOptions, withSecretSelector } from '../options.js';
import { renderTable } from '../table.js';

export interface DrillOptions extends RawCommonOptions {
  readonly secrets?: string[];
  readonly tag?: string;
}

export const describeDrill = (command: Command): Command =>
  withSecretSelector(
    command.description(
      'Check, read-only, that a recovery Region is ready to take over: each replica secret in sync with its source, its credentials logging in, its replica database available (the deployed drill function).',
    ),
  ).addHelpText(
    'after',
    `
Run it in the recovery Region (--region). Exit codes: 0 ready; 1 not ready (problems listed);
2 usage; 3 AWS or function error.

Examples:
  rotasync drill --region us-west-2 --stage prod
  rotasync drill --region us-west-2 --tag team=orders --json`,
  );

/** Runs the drill and reports it. */
export const runDrill = async (
  context: CommandContext,
  options: DrillOptions,
): Promise<CommandResult> => {
  const selector = parseSecretSelector(options);
  const region = await context.aws.region();
  const name = deployedName(context, 'drill');
  context.progress.update(`drill: checking ${region}…`);
  const report = expectAnswer<DrillReport>(
    context,
    'drill',
    await invokeFunction(context, 'drill', region, { secrets: selector, failOnProblems: false }),
    ['verdict', 'checked', 'problems', 'secrets'],
  );
  return {
    exitCode: report.verdict === 'ready' ? ExitCode.Ok : ExitCode.ProblemsFound,
    json: { function: name, region, report },
    text: renderDrill(name, region, report),
  };
};

const databaseText = (database: DrillReport['secrets'][number]['database']): string => {
  if (database === null) return '-';
  const lag =
    database.replicaLagSeconds === undefined || database.replicaLagSeconds === null
      ? ''
      : ` lag ${database.replicaLagSeconds} s`;
  return `${database.id} ${database.status}${lag}`;
};

const renderDrill = (name: string, region: string, report: DrillReport): string => {
  const lines = [
    `drill in ${region} (${name}): ${report.verdict === 'ready' ? 'READY' : 'NOT READY'}, ${report.checked} secret${report.checked === 1 ? '' : 's'} checked, ${report.problems} problem${report.problems === 1 ? '' : 's'}`,
  ];
  if (report.secrets.length > 0) {
    lines.push(
      '',
      renderTable(
        ['SECRET', 'VALUE', 'AGE', 'LOGIN', 'DATABASE', 'PROBLEMS'],
        report.secrets.map((secret) => [
          secret.secret,
          secret.value,
          secret.age,
          secret.login,
          databaseText(secret.database),
          secret.problems.length === 0 ? '-' : secret.problems.join(', '),
        ]),
      ),
    );
  }
  lines.push(
    '',
    report.verdict === 'ready'
      ? `✓ ${region} is ready to take over`
      : `✗ ${region} is not ready: fix the problems above (rotasync reconcile repairs stale replicas), then drill again`,
  );
  return lines.join('\n');
};
