/**
 * `rotasync enroll <secret> --schedule "rate(30 days)" [--window 2h]`: turns on rotation with this
 * deployment's `rotate` function in the Region (RotateSecret with RotationLambdaARN and
 * RotationRules), then waits for the first rotation like `rotate`. The schedule is checked by
 * Secrets Manager's own rules before any AWS call. Enrolling again with the same function and
 * rules changes nothing and rotates nothing.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 */
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { Command } from 'commander';
import { checkRotationWindow, parseScheduleExpression } from '#shared/rotation-schedule.js';
import { awsCall, isNotFound } from '../aws.js';
import type { CommandContext, CommandResult } from '../context.js';
import { CallFailedError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { deployedName } from '../invoke-function.js';
import { parseDuration, type RawCommonOptions } from '../options.js';
import { DEFAULT_ROTATION_TIMEOUT, describeSecret, startAndWait } from './rotate.js';

export interface EnrollOptions extends RawCommonOptions {
  readonly schedule?: string;
  readonly window?: string;
  readonly rotateImmediately?: boolean;
  readonly rotationFunction?: string;
  readonly timeout?: string;
  readonly wait?: boolean;
}

export const describeEnroll = (command: Command): Command =>
  command
    .description(
      "Turn on rotation for a secret with the deployment's rotate function and a schedule, then wait for its first rotation.",
    )
    .argument('<secret>', 'the secret name or ARN')
    .requiredOption(
      '--schedule <expression>',
      'rate(N hours|days) (every 4 hours at most, 1000 days at least) or cron(0 H DoM Mon DoW *) in UTC',
    )
    .option(
      '--window <hours>',
      'the rotation window, e.g. 2h (default: 1h for hours, the rest of the UTC day for days)',
    )
    .option(
      '--no-rotate-immediately',
      'do not rotate now: Secrets Manager tests the function (testSecret) and rotates on the schedule',
    )
    .option(
      '--rotation-function <arn-or-name>',
      "another rotation function than the deployment's rotate",
    )
    .option(
      '--timeout <duration>',
      'how long to wait for the first rotation',
      DEFAULT_ROTATION_TIMEOUT,
    )
    .option('--no-wait', 'start and return at once')
    .addHelpText(
      'after',
      `
Exit codes: 0 enrolled (and rotated, unless --no-rotate-immediately or --no-wait); 1 the first
rotation was abandoned; 2 usage, an invalid schedule or window included; 3 AWS error, e.g. no
rotate function deployed in the Region; 4 the first rotation did not finish within --timeout.

Examples:
  rotasync enroll prod/db/app --schedule "rate(30 days)" --window 2h --stage prod
  rotasync enroll prod/db/app --schedule "cron(0 4 ? * SUN *)" --no-rotate-immediately`,
    );

/** Runs `enroll <secret>`. */
export const runEnroll = async (
  context: CommandContext,
  options: EnrollOptions,
  args: readonly string[],
): Promise<CommandResult> => {
  const secretId = args[0] ?? '';
  const expression = options.schedule ?? '';
  const schedule = parseScheduleExpression(expression);
  if (!schedule.ok) throw new UsageError(`--schedule: ${schedule.problem}`);
  if (options.window !== undefined) {
    const window = checkRotationWindow(options.window, schedule.value);
    if (!window.ok) throw new UsageError(`--window: ${window.problem}`);
  }
  const timeoutMs = parseDuration(options.timeout ?? DEFAULT_ROTATION_TIMEOUT, '--timeout');
  const region = await context.aws.region();
  const functionArn = await rotationFunctionArn(context, region, options.rotationFunction);

  const described = await describeSecret(context, region, secretId);
  const rules = {
    ScheduleExpression: expression,
    ...(options.window === undefined ? {} : { Duration: options.window }),
  };
  const enrollment = {
    secret: described.Name,
    arn: described.ARN,
    region,
    function: functionArn,
    rules,
  };
  const settings = `${functionArn}, ${expression}${options.window === undefined ? '' : ` window ${options.window}`}`;
  if (
    described.RotationEnabled === true &&
    described.RotationLambdaARN === functionArn &&
    described.RotationRules?.ScheduleExpression === rules.ScheduleExpression &&
    described.RotationRules?.Duration === rules.Duration
  ) {
    return {
      exitCode: ExitCode.Ok,
      json: { ...enrollment, changed: false, rotation: null },
      text: `✓ ${described.Name} in ${region} is already enrolled: ${settings}. Nothing changed.`,
    };
  }
  const rotateImmediately = options.rotateImmediately !== false;
  const rotation = await startAndWait(context, {
    region,
    described,
    start: {
      SecretId: described.ARN,
      RotationLambdaARN: functionArn,
      RotationRules: rules,
      RotateImmediately: rotateImmediately,
    },
    timeoutMs,
    // Without an immediate rotation, Secrets Manager only tests the function: nothing to wait for.
    wait: rotateImmediately && options.wait !== false,
  });
  const enrolled = `✓ enrolled ${described.Name} in ${region}: ${settings}`;
  return {
    exitCode: rotation.exitCode,
    json: { ...enrollment, changed: true, rotation: rotateImmediately ? rotation.json : null },
    text: rotateImmediately
      ? `${enrolled}\n${rotation.text}`
      : `${enrolled}\n  no rotation now: Secrets Manager tests the function (testSecret) and rotates on the schedule`,
  };
};

/** The rotation function's ARN: as given, or looked up by name (the deployment's rotate by default). */
const rotationFunctionArn = async (
  context: CommandContext,
  region: string,
  given: string | undefined,
): Promise<string> => {
  if (given?.startsWith('arn:')) return given;
  const name = given ?? deployedName(context, 'rotate');
  try {
    const configuration = await awsCall(`GetFunctionConfiguration ${name} in ${region}`, () =>
      context.aws.lambda(region).send(new GetFunctionConfigurationCommand({ FunctionName: name })),
    );
    return configuration.FunctionArn ?? name;
  } catch (error) {
    if (isNotFound(error)) {
      throw new CallFailedError(
        `There is no function ${name} in ${region} to rotate with: deploy the stack there, or name the deployment with --stage or --function-prefix (or give --rotation-function).`,
        'ResourceNotFoundException',
        { cause: error },
      );
    }
    throw error;
  }
};
