/**
 * `rotasync rotate <secret>`: rotate now. Calls RotateSecret (Secrets Manager then invokes the
 * secret's rotation function for the four steps), waits for the new version to become
 * AWSCURRENT, and reports the outcome. A rotation left unfinished earlier is not started twice:
 * Secrets Manager re-attempts it, and the command waits for that one.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
 */
import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { Stage, versionHolding } from '#shared/aws/secret-store.js';
import { awsCall } from '../aws.js';
import type { CommandContext, CommandResult } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { parseDuration, type RawCommonOptions } from '../options.js';
import { formatDate, formatDuration } from '../table.js';
import { type RotationEnd, waitForRotation } from '../wait-for-rotation.js';

export interface RotateOptions extends RawCommonOptions {
  readonly timeout?: string;
  readonly wait?: boolean;
}

/** What `rotate --json` (and `enroll --json`, for its first rotation) prints. */
export interface RotationReport {
  readonly secret: string;
  readonly arn: string;
  readonly region: string;
  readonly versionId: string;
  /** True when an earlier, unfinished rotation was re-attempted instead of a new one started. */
  readonly resumed: boolean;
  readonly outcome: RotationEnd | 'started';
  readonly elapsedMs: number | null;
  readonly lastRotated: string | null;
  readonly nextRotation: string | null;
}

export const DEFAULT_ROTATION_TIMEOUT = '5m';

export const describeRotate = (command: Command): Command =>
  command
    .description(
      'Rotate a secret now (RotateSecret with its rotation function), wait for the new version to become AWSCURRENT, and report the outcome.',
    )
    .argument('<secret>', 'the secret name or ARN')
    .option('--timeout <duration>', 'how long to wait for the rotation', DEFAULT_ROTATION_TIMEOUT)
    .option('--no-wait', 'start the rotation and return at once')
    .addHelpText(
      'after',
      `
Exit codes: 0 rotated (or started, with --no-wait); 1 the rotation was abandoned (a new value was
written meanwhile), or the secret is not enrolled or its rotation is off; 2 usage; 3 AWS error;
4 not finished within --timeout (the function failed and Secrets Manager retries, or it is slow:
see its logs, and rotasync status).

Examples:
  rotasync rotate prod/db/app --region us-east-1
  rotasync rotate prod/db/app --timeout 10m --json`,
    );

/** Runs `rotate <secret>`. */
export const runRotate = async (
  context: CommandContext,
  options: RotateOptions,
  args: readonly string[],
): Promise<CommandResult> => {
  const secretId = args[0] ?? '';
  if (secretId === '') throw new UsageError('Name the secret to rotate.');
  const timeoutMs = parseDuration(options.timeout ?? DEFAULT_ROTATION_TIMEOUT, '--timeout');
  const region = await context.aws.region();
  const described = await describeSecret(context, region, secretId);
  if (described.RotationLambdaARN === undefined) {
    throw new CliError(
      `${described.Name} in ${region} has no rotation function: enroll it first (rotasync enroll ${described.Name} --schedule "rate(30 days)").`,
      ExitCode.ProblemsFound,
      'NotEnrolled',
    );
  }
  if (described.RotationEnabled !== true) {
    // RotateSecret would silently turn rotation back on; that is enroll's decision to make.
    throw new CliError(
      `Rotation of ${described.Name} in ${region} is off; rotasync enroll turns it on (and rotates).`,
      ExitCode.ProblemsFound,
      'RotationOff',
    );
  }
  return startAndWait(context, {
    region,
    described,
    start: { SecretId: described.ARN },
    timeoutMs,
    wait: options.wait !== false,
  });
};

/** DescribeSecret, with ARN and Name always set (the id given, when the answer lacks them). */
export const describeSecret = (
  context: CommandContext,
  region: string,
  secretId: string,
): Promise<DescribeSecretCommandOutput & { ARN: string; Name: string }> =>
  awsCall(`DescribeSecret ${secretId} in ${region}`, async () => {
    const described = await context.aws
      .secretsManager(region)
      .send(new DescribeSecretCommand({ SecretId: secretId }));
    return { ...described, ARN: described.ARN ?? secretId, Name: described.Name ?? secretId };
  });

/** The version AWSPENDING sits on without AWSCURRENT: a rotation Secrets Manager will re-attempt. */
const unfinishedVersion = (described: DescribeSecretCommandOutput): string | undefined =>
  versionHolding(described.VersionIdsToStages ?? {}, Stage.Pending, Stage.Current);

/**
 * Calls RotateSecret with `start`, then waits for the rotation to end (unless `wait` is false).
 * Shared by `rotate` and `enroll`.
 */
export const startAndWait = async (
  context: CommandContext,
  input: {
    readonly region: string;
    readonly described: DescribeSecretCommandOutput & { ARN: string; Name: string };
    readonly start: ConstructorParameters<typeof RotateSecretCommand>[0];
    readonly timeoutMs: number;
    readonly wait: boolean;
  },
): Promise<CommandResult> => {
  const { region, described } = input;
  const name = described.Name;
  const startedAt = context.io.now().getTime();
  context.progress.update(`rotate ${name}: starting…`);
  let rotation = await startRotation(
    context,
    region,
    name,
    input.start,
    unfinishedVersion(described),
  );
  if (!input.wait) {
    const report: RotationReport = {
      secret: name,
      arn: described.ARN,
      region,
      ...rotation,
      outcome: 'started',
      elapsedMs: null,
      lastRotated: null,
      nextRotation: null,
    };
    return {
      exitCode: ExitCode.Ok,
      json: report,
      text: `→ ${rotation.resumed ? 're-attempting the unfinished rotation' : 'rotation started'} of ${name} in ${region}: version ${rotation.versionId} is AWSPENDING`,
    };
  }
  const wait = (versionId: string) =>
    waitForRotation(context, {
      region,
      secretArn: described.ARN,
      name,
      versionId,
      timeoutMs: Math.max(0, input.timeoutMs - (context.io.now().getTime() - startedAt)),
    });
  let waited = await wait(rotation.versionId);
  if (rotation.resumed && waited.outcome === 'abandoned') {
    // The pending version we waited for went away without becoming current: it was the
    // configuration test Secrets Manager runs when rotation is turned on without rotating
    // (RotateImmediately=false, as failover does), not a rotation to resume. Start ours now.
    rotation = await startRotation(context, region, name, input.start, undefined);
    waited = await wait(rotation.versionId);
  }
  const report: RotationReport = {
    secret: name,
    arn: described.ARN,
    region,
    ...rotation,
    outcome: waited.outcome,
    elapsedMs: context.io.now().getTime() - startedAt,
    lastRotated: waited.described.LastRotatedDate?.toISOString() ?? null,
    nextRotation: waited.described.NextRotationDate?.toISOString() ?? null,
  };
  return {
    exitCode: EXIT_BY_OUTCOME[waited.outcome],
    json: report,
    text: renderRotation(report, functionNameOf(waited.described.RotationLambdaARN)),
  };
};

/**
 * RotateSecret; when Secrets Manager answers that a previous rotation is not complete (it then
 * re-attempts that one) and `earlier` is its version, resolves that version as resumed.
 */
const startRotation = async (
  context: CommandContext,
  region: string,
  name: string,
  start: ConstructorParameters<typeof RotateSecretCommand>[0],
  earlier: string | undefined,
): Promise<{ versionId: string; resumed: boolean }> => {
  try {
    const started = await awsCall(`RotateSecret ${name} in ${region}`, () =>
      context.aws.secretsManager(region).send(new RotateSecretCommand(start)),
    );
    return { versionId: started.VersionId ?? '', resumed: false };
  } catch (error) {
    // "A previous rotation isn't complete. That rotation will be reattempted.": wait for it.
    if (earlier === undefined || (error as { code?: string }).code !== 'InvalidRequestException') {
      throw error;
    }
    return { versionId: earlier, resumed: true };
  }
};

const EXIT_BY_OUTCOME: Readonly<Record<RotationEnd, ExitCodeValue>> = {
  succeeded: ExitCode.Ok,
  abandoned: ExitCode.ProblemsFound,
  unfinished: ExitCode.Unfinished,
};

const functionNameOf = (arn: string | undefined): string =>
  arn === undefined ? 'the rotation function' : (arn.split(':')[6] ?? arn);

const renderRotation = (report: RotationReport, functionName: string): string => {
  const after = formatDuration(report.elapsedMs ?? 0);
  const which = report.resumed ? 'the unfinished rotation' : 'the rotation';
  switch (report.outcome) {
    case 'succeeded':
      return `✓ rotated ${report.secret} in ${report.region}${report.resumed ? ' (an unfinished rotation, re-attempted)' : ''}: version ${report.versionId} is AWSCURRENT after ${after}; next rotation ${formatDate(report.nextRotation)}`;
    case 'abandoned':
      return `✗ ${which} of ${report.secret} in ${report.region} was abandoned: version ${report.versionId} lost AWSPENDING without becoming AWSCURRENT (a new value was written during the rotation)`;
    default:
      return `… ${which} of ${report.secret} in ${report.region} has not finished after ${after}: version ${report.versionId} is still AWSPENDING. ${functionName} failed and Secrets Manager retries, or it is still running: see its logs (/aws/lambda/${functionName}) and rotasync status.`;
  }
};
