/**
 * Invokes one of Rotasync's deployed functions through Lambda's Invoke API, synchronously, and
 * hands back its parsed answer. A function error (X-Amz-Function-Error) becomes a
 * FunctionFailedError with the function's own error type and message, which Rotasync's functions
 * keep free of secret values; a missing function says which name was looked for and how to fix it.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { awsCall, isNotFound } from './aws.js';
import type { CommandContext } from './context.js';
import { CallFailedError, FunctionFailedError } from './errors.js';

/** Rotasync's functions the command invokes by their deployed names. */
export type RotasyncFunction =
  | 'drill'
  | 'reconcile'
  | 'failover'
  | 'failback'
  | 'rotate'
  | 'replicate';

/** The deployed name of a function, e.g. `rotasync-dev-drill`. */
export const deployedName = (context: CommandContext, fn: RotasyncFunction): string =>
  `${context.options.functionPrefix}${fn}`;

/** Invokes `fn` in `region` with `payload`; resolves its answer as parsed JSON. */
export const invokeFunction = async (
  context: CommandContext,
  fn: RotasyncFunction,
  region: string,
  payload: unknown,
): Promise<unknown> => {
  const name = deployedName(context, fn);
  const what = `Invoke ${name} in ${region}`;
  let answer: InvokeCommandOutput;
  try {
    answer = await awsCall(what, () =>
      context.aws.lambda(region).send(
        new InvokeCommand({
          FunctionName: name,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify(payload)),
        }),
      ),
    );
  } catch (error) {
    if (isNotFound(error)) {
      throw new CallFailedError(
        `${what} failed: there is no function ${name} in ${region}. Deploy the stack there, or name the deployment with --stage or --function-prefix.`,
        'ResourceNotFoundException',
        { cause: error },
      );
    }
    throw error;
  }
  const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8');
  const parsed = parseJson(text);
  if (answer.FunctionError !== undefined) {
    const { errorType, errorMessage } = errorOf(parsed);
    throw new FunctionFailedError(
      `${name} in ${region} failed: ${errorType}: ${errorMessage}`,
      name,
      errorType,
    );
  }
  if (parsed === undefined) {
    throw new FunctionFailedError(
      `${name} in ${region} answered something that is not JSON.`,
      name,
      'UnexpectedAnswer',
    );
  }
  return parsed;
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const errorOf = (payload: unknown): { errorType: string; errorMessage: string } => {
  const record =
    typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  return {
    errorType: typeof record.errorType === 'string' ? record.errorType : 'Error',
    errorMessage:
      typeof record.errorMessage === 'string' ? record.errorMessage : 'no error message',
  };
};

/**
 * Checks that a function's answer has the fields a command reads, so a mismatched deployment
 * says so instead of printing nonsense.
 */
export const expectAnswer = <T>(
  context: CommandContext,
  fn: RotasyncFunction,
  answer: unknown,
  required: readonly string[],
): T => {
  const record =
    typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : undefined;
  const missing = required.filter((field) => record?.[field] === undefined);
  if (record === undefined || missing.length > 0) {
    const name = deployedName(context, fn);
    throw new FunctionFailedError(
      `${name} answered without ${missing.join(', ') || 'an object'}: is it a Rotasync ${fn} function of this version?`,
      name,
      'UnexpectedAnswer',
    );
  }
  return answer as T;
};
