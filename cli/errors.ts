/**
 * The command's own errors. Each carries its exit code and a short machine-readable `code`; the
 * message says what failed, where and, when there is one, what to do. Never a secret value.
 */
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** Base of every error the command reports and exits on. */
export class CliError extends Error {
  public constructor(
    message: string,
    public readonly exitCode: ExitCodeValue,
    public readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A wrong command line: reported before any AWS call. */
export class UsageError extends CliError {
  public constructor(message: string) {
    super(message, ExitCode.Usage, 'UsageError');
    this.name = 'UsageError';
  }
}

/** An AWS API call failed; `code` is the service's error name (e.g. AccessDeniedException). */
export class CallFailedError extends CliError {
  public constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, ExitCode.AwsError, code, options);
    this.name = 'CallFailedError';
  }
}

/** An invoked function failed (Lambda's X-Amz-Function-Error), or answered something unexpected. */
export class FunctionFailedError extends CliError {
  public constructor(
    message: string,
    public readonly functionName: string,
    code: string,
  ) {
    super(message, ExitCode.AwsError, code);
    this.name = 'FunctionFailedError';
  }
}
