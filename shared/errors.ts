/**
 * Rotasync's error family. Every message names the secret, the step and the cause, never a
 * value: no password, secret string or connection string appears in a message or a `cause`.
 */

/** Where an error happened: the secret (name or ARN), the step, and the AWS call that failed. */
export interface ErrorWhere {
  readonly secretId?: string;
  /** The rotation step, or what a function was doing (`replicate to eu-west-1`). */
  readonly step?: string;
  /** The AWS call, e.g. `GetSecretValue in us-east-1`. */
  readonly operation?: string;
}

/**
 * `setSecret for secret app: GetSecretValue in us-east-1: `, or without a step
 * `GetSecretValue in us-east-1 for secret app: `.
 */
const describeWhere = ({ secretId, step, operation }: ErrorWhere): string => {
  const head = [step ?? operation, secretId && `secret ${secretId}`].filter(Boolean).join(' for ');
  const tail = step === undefined ? undefined : operation;
  return [head, tail]
    .filter(Boolean)
    .map((part) => `${part}: `)
    .join('');
};

/** Base of every Rotasync error; `where` names the secret and step, never a value. */
export class RotasyncError extends Error {
  public readonly where: ErrorWhere;

  public constructor(message: string, where: ErrorWhere = {}, options?: ErrorOptions) {
    super(`${describeWhere(where)}${message}`, options);
    this.where = where;
    // A literal in every subclass: minified class names lie.
    this.name = 'RotasyncError';
  }
}

/** The invocation event is malformed: a missing field, an unknown step, unprintable characters. */
export class InvalidEventError extends RotasyncError {
  public readonly field: string;

  public constructor(field: string, message: string, where: ErrorWhere = {}) {
    super(message, where);
    this.field = field;
    this.name = 'InvalidEventError';
  }
}

/** The secret named by the event (or by `masterarn`) does not exist. */
export class SecretNotFoundError extends RotasyncError {
  public constructor(where: ErrorWhere) {
    super('the secret does not exist', where);
    this.name = 'SecretNotFoundError';
  }
}

/** The secret's rotation is disabled, so a rotation step must not run. */
export class RotationNotEnabledError extends RotasyncError {
  public constructor(where: ErrorWhere) {
    super('rotation is not enabled for this secret', where);
    this.name = 'RotationNotEnabledError';
  }
}

/** The request token is not a version of the secret, or is not staged AWSPENDING. */
export class VersionNotPendingError extends RotasyncError {
  public constructor(token: string, reason: string, where: ErrorWhere) {
    super(`version ${token} ${reason}`, where);
    this.name = 'VersionNotPendingError';
  }
}

/** The secret's JSON is missing a field or holds a wrong one; names the field, never its value. */
export class SecretFormatError extends RotasyncError {
  public readonly field: string;

  public constructor(field: string, problem: string, where: ErrorWhere = {}) {
    super(`secret field "${field}" ${problem}`, where);
    this.field = field;
    this.name = 'SecretFormatError';
  }
}

/** The pending version would move credentials to another user, server or database. */
export class CredentialsMismatchError extends RotasyncError {
  public constructor(message: string, where: ErrorWhere) {
    super(message, where);
    this.name = 'CredentialsMismatchError';
  }
}

/** No candidate credentials (current, pending, previous, superuser) logged in. */
export class LoginRejectedError extends RotasyncError {
  public constructor(message: string, where: ErrorWhere, options?: ErrorOptions) {
    super(message, where, options);
    this.name = 'LoginRejectedError';
  }
}

/** The database could not be reached (network, TLS, timeout): not a verdict on the credentials. */
export class DatabaseUnreachableError extends RotasyncError {
  public constructor(message: string, where: ErrorWhere, options?: ErrorOptions) {
    super(message, where, options);
    this.name = 'DatabaseUnreachableError';
  }
}

/** A step ran out of its time budget before the Lambda's own timeout. */
export class StepTimeoutError extends RotasyncError {
  public constructor(message: string, where: ErrorWhere) {
    super(message, where);
    this.name = 'StepTimeoutError';
  }
}

/** The function's own configuration (environment variables, tags) is invalid. */
export class ConfigurationError extends RotasyncError {
  public constructor(message: string, where: ErrorWhere = {}) {
    super(message, where);
    this.name = 'ConfigurationError';
  }
}

/**
 * A call to another service (Secrets Manager, RDS) or an unexpected fault failed inside a step:
 * the message names the secret, the step and the original error's name and message.
 */
export class StepFailedError extends RotasyncError {
  public constructor(cause: Error, where: ErrorWhere) {
    super(`${cause.name}: ${cause.message}`, where, { cause });
    this.name = 'StepFailedError';
  }
}

/**
 * An AWS call failed after the SDK's own retries (shared/aws/clients.ts): names the service's
 * error code, the operation and its Region, never a value. `transient` says the code was one the
 * SDK retries (throttling, 5xx, network), so a later attempt may succeed.
 */
export class AwsCallError extends RotasyncError {
  public readonly service: string;
  public readonly code: string;
  public readonly transient: boolean;

  public constructor(
    call: { readonly service: string; readonly code: string; readonly transient: boolean },
    where: ErrorWhere,
    options?: ErrorOptions,
  ) {
    super(`${call.service} answered ${call.code}`, where, options);
    this.service = call.service;
    this.code = call.code;
    this.transient = call.transient;
    this.name = 'AwsCallError';
  }
}
