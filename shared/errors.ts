/**
 * Rotasync's error family: every error a function throws is one of these. Every message names
 * the secret, the step and the cause, never a value: no password, secret string or connection
 * string appears in a message or a `cause`. Each class sets `name` as a literal (minified class
 * names lie) and passes `cause` on. Sections: the base; bad input; rotation; the database;
 * replication; AWS calls.
 */
import type { ReplicationReport } from '#shared/replication/replicate-secret.js';

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

/**
 * Base of every Rotasync error; `where` names the secret and step, never a value. Code deep
 * down (an engine, an adapter) often does not know the secret or the step: the error boundary
 * fills them in with {@link RotasyncError.locate}.
 */
export class RotasyncError extends Error {
  #where: ErrorWhere;
  /** The message without its `where` prefix. */
  readonly #detail: string;

  public constructor(message: string, where: ErrorWhere = {}, options?: ErrorOptions) {
    super(`${describeWhere(where)}${message}`, options);
    this.#where = where;
    this.#detail = message;
    // A literal in every subclass: minified class names lie.
    this.name = 'RotasyncError';
  }

  public get where(): ErrorWhere {
    return this.#where;
  }

  /**
   * Fills in what `where` knows and the error does not (what it knows already stays), and
   * rewrites the message (and the stack's first line) to name it.
   *
   * @example
   * error.locate({ secretId: event.SecretId, step: event.Step });
   */
  public locate(where: ErrorWhere): this {
    const merged: ErrorWhere = {
      ...(where.secretId === undefined ? {} : { secretId: where.secretId }),
      ...(where.step === undefined ? {} : { step: where.step }),
      ...Object.fromEntries(Object.entries(this.#where).filter(([, v]) => v !== undefined)),
    };
    const before = this.message;
    this.#where = merged;
    this.message = `${describeWhere(merged)}${this.#detail}`;
    if (this.stack !== undefined) this.stack = this.stack.replace(before, this.message);
    return this;
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input and configuration

/** The invocation event is malformed: a missing field, an unknown step, unprintable characters. */
export class InvalidEventError extends RotasyncError {
  public readonly field: string;

  public constructor(field: string, message: string, where: ErrorWhere = {}) {
    super(message, where);
    this.field = field;
    this.name = 'InvalidEventError';
  }
}

// ---------------------------------------------------------------------------------------------
// Rotation

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

/**
 * The server asked for the password in a form that would expose it (cleartext, or MD5 where
 * the secret only prefers TLS) over a channel that is not verified TLS: nothing was sent. A
 * DatabaseUnreachableError: it says nothing about the credentials.
 */
export class UnsafeAuthenticationError extends DatabaseUnreachableError {
  public constructor(message: string, where: ErrorWhere = {}) {
    super(message, where);
    this.name = 'UnsafeAuthenticationError';
  }
}

/** The superuser secret named by `masterarn` is missing, unreadable or unusable. */
export class SuperuserSecretError extends RotasyncError {
  /** The superuser secret's id (the `masterarn` value; an ARN, not a secret value). */
  public readonly superuserSecretId: string;

  public constructor(
    superuserSecretId: string,
    problem: string,
    where: ErrorWhere,
    options?: ErrorOptions,
  ) {
    super(`the superuser secret ${superuserSecretId} (masterarn) ${problem}`, where, options);
    this.superuserSecretId = superuserSecretId;
    this.name = 'SuperuserSecretError';
  }
}

/** A clone's privileges differ from its original's: it must not be promoted. */
export class ClonePrivilegesError extends RotasyncError {
  public readonly differences: readonly string[];

  public constructor(
    clone: string,
    original: string,
    differences: readonly string[],
    where: ErrorWhere,
  ) {
    super(
      `user ${clone} does not have exactly the privileges of ${original} (${differences.length} differences: ${differences.join('; ')}); it is not promoted, and the next setSecret copies them again`,
      where,
    );
    this.differences = differences;
    this.name = 'ClonePrivilegesError';
  }
}

/**
 * Alternating users: the user named `<base>_clone` cannot be verified, through the superuser, as
 * `<base>`'s clone, so the superuser changes neither of them (a secret naming someone's clone must
 * not buy that someone's password).
 */
export class NotACloneError extends RotasyncError {
  /** One plain description per problem; names users and privileges, never a value. */
  public readonly problems: readonly string[];

  public constructor(
    clone: string,
    original: string,
    problems: readonly string[],
    where: ErrorWhere = {},
  ) {
    super(
      `user ${clone} is not a verified clone of ${original} (${problems.join('; ')}); the superuser changes neither user`,
      where,
    );
    this.problems = problems;
    this.name = 'NotACloneError';
  }
}

/** A step ran out of its time budget before the Lambda's own timeout. */
export class StepTimeoutError extends RotasyncError {
  public constructor(message: string, where: ErrorWhere, options?: ErrorOptions) {
    super(message, where, options);
    this.name = 'StepTimeoutError';
  }
}

/**
 * A call to another service or an unexpected fault, not a RotasyncError, failed inside a step:
 * the message names the secret, the step and the original error's name and message.
 */
export class StepFailedError extends RotasyncError {
  public constructor(cause: Error, where: ErrorWhere) {
    super(`${cause.name}: ${cause.message}`, where, { cause });
    this.name = 'StepFailedError';
  }
}

/** The function's own configuration (environment variables, tags) is invalid. */
export class ConfigurationError extends RotasyncError {
  public constructor(message: string, where: ErrorWhere = {}) {
    super(message, where);
    this.name = 'ConfigurationError';
  }
}

// ---------------------------------------------------------------------------------------------
// The database (thrown by the engines, which know neither the secret nor the step)

/** A SQL statement failed; names its kind (never its text, which may hold a password). */
export class StatementFailedError extends RotasyncError {
  /** The kind of statement, e.g. `ALTER USER ... IDENTIFIED BY` or `set the password of "app"`. */
  public readonly statement: string;
  /** The server's SQLSTATE (PostgreSQL) or error code (MySQL), when it gave one. */
  public readonly code: string | undefined;
  /** MySQL's error number, when it gave one: callers branch on it. */
  public readonly errno: number | undefined;

  public constructor(
    engine: string,
    statement: string,
    details: { readonly code?: string | undefined; readonly errno?: number | undefined },
    options: ErrorOptions & { readonly cause: Error },
  ) {
    super(`${engine}: ${statement} failed: ${options.cause.message}`, {}, options);
    this.statement = statement;
    this.code = details.code;
    this.errno = details.errno;
    this.name = 'StatementFailedError';
  }
}

/** A line of MySQL's `SHOW GRANTS` (or an account's TLS columns) could not be understood. */
export class GrantParseError extends RotasyncError {
  public constructor(problem: string) {
    super(`SHOW GRANTS ${problem}`);
    this.name = 'GrantParseError';
  }
}

/** The database answered a query in a shape Rotasync does not know; nothing was changed by it. */
export class UnexpectedAnswerError extends RotasyncError {
  public constructor(message: string) {
    super(message);
    this.name = 'UnexpectedAnswerError';
  }
}

/**
 * The database's users are not as the rotation needs them (no such role or account, accounts
 * that cannot be listed, a user name or password the server cannot hold).
 */
export class DatabaseUserError extends RotasyncError {
  public constructor(message: string) {
    super(message);
    this.name = 'DatabaseUserError';
  }
}

/**
 * MySQL/MariaDB: the host accounts of a user (`'app'@'%'`, `'app'@'10.0.%'`, …) cannot all be
 * listed or changed with the credentials at hand, so none is changed: a rotation that set only
 * some of them would leave the others on a password no version of the secret holds.
 */
export class HostAccountsError extends RotasyncError {
  public constructor(message: string, where: ErrorWhere = {}, options?: ErrorOptions) {
    super(message, where, options);
    this.name = 'HostAccountsError';
  }
}

// ---------------------------------------------------------------------------------------------
// Replication

/** One or more Regions failed; the report says which and why. */
export class ReplicationFailedError extends RotasyncError {
  public readonly report: ReplicationReport;

  public constructor(report: ReplicationReport) {
    const failed = report.regions.filter((result) => result.status === 'failed');
    const list = failed.map((result) => `${result.region} (${result.error ?? 'unknown'})`);
    super(`replication failed in ${list.join(', ')}`, {
      secretId: report.secretId,
      step: 'replicate',
    });
    this.report = report;
    this.name = 'ReplicationFailedError';
  }
}

/** A replica could not be brought in line: it is not ours, it is being deleted, or it raced. */
export class ReplicaConflictError extends RotasyncError {
  public constructor(message: string, secretId: string, region: string) {
    super(message, { secretId, step: `replicate to ${region}` });
    this.name = 'ReplicaConflictError';
  }
}

/**
 * A reconcile sweep that outgrew one invocation could not hand over to the next (the asynchronous
 * self-invocation failed, or the sweep used up its parts): what it swept is reported, the rest
 * waits for the next scheduled sweep.
 */
export class SweepIncompleteError extends RotasyncError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, { step: 'reconcile' }, options);
    this.name = 'SweepIncompleteError';
  }
}

// ---------------------------------------------------------------------------------------------
// AWS calls

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

/**
 * A drill found problems: the message gives the counts and each secret with its problems (names
 * only, never a value), so a scheduled drill fails and raises the function's Errors alarm.
 */
export class DrillFailedError extends RotasyncError {
  public constructor(message: string, where: ErrorWhere = {}) {
    super(message, where);
    this.name = 'DrillFailedError';
  }
}

/** `error`'s name and message for a report: SDK and Rotasync messages carry no values. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
