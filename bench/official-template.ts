/**
 * The official AWS rotation templates' calls and logins for one happy-path rotation, as their
 * code makes them (they cannot run here: they are Python functions for Lambda). Read from
 * https://github.com/aws-samples/aws-secrets-manager-rotation-lambdas, the PostgreSQL single-user
 * and multi-user `lambda_function.py` (the MySQL templates make the same calls).
 *
 * Logins hinge on the secret's `ssl` key, through `get_ssl_config` and `get_connection`:
 * - no `ssl` key (or an unrecognised value): TLS first, and on any failure, a wrong password
 *   included, a second attempt in plain text;
 * - `ssl: true` (or `"true"`, or false): one attempt, no fallback.
 * setSecret first tries the pending credentials, which fail before the password is set: one
 * failed login with `ssl` set, two without. It then logs in as the current user (and, for
 * alternating users, as the superuser of `masterarn`); testSecret logs in once as pending.
 */

/** How the template's secret spells `ssl`. */
export type TemplateSsl = 'no ssl key' | 'ssl: true';

/** What one template rotation costs. */
export interface TemplateRotation {
  readonly smCalls: number;
  readonly callsByOperation: string;
  readonly logins: number;
  readonly failedLogins: number;
}

/**
 * One rotation by the template for `strategy` with the secret's `ssl` as given.
 *
 * @example
 * officialTemplateRotation('single user', 'ssl: true') // { smCalls: 14, logins: 3, failedLogins: 1, … }
 */
export const officialTemplateRotation = (
  strategy: 'single user' | 'alternating users',
  ssl: TemplateSsl,
): TemplateRotation => {
  // get_connection: one attempt, or two when the first fails and the fallback is on.
  const attemptsOnFailure = ssl === 'no ssl key' ? 2 : 1;
  const pendingBeforeSet = attemptsOnFailure;
  const succeeding = strategy === 'single user' ? 2 : 3; // current (+ superuser), then testSecret
  return {
    // createSecret 5 (Describe, GSV current, GSV pending → 404, GetRandomPassword, Put),
    // setSecret 4, testSecret 2, finishSecret 3 (its own second DescribeSecret).
    smCalls: 14,
    callsByOperation:
      'DescribeSecret 5, GetSecretValue 6, GetRandomPassword 1, PutSecretValue 1, UpdateSecretVersionStage 1',
    logins: pendingBeforeSet + succeeding,
    failedLogins: pendingBeforeSet,
  };
};
