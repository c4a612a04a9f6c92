/**
 * The rotation function's environment, read once at cold start and validated, so a bad setting
 * fails the function's init rather than a rotation half-way. Variable names follow the official
 * templates for a drop-in migration.
 */
import {
  type ConfigFiles,
  type Env,
  readBoolean,
  readConnectOptions,
  readInteger,
  realFiles,
} from '#shared/env.js';
import {
  DEFAULT_PASSWORD_POLICY,
  type PasswordPolicy,
  requireStrongPasswordPolicy,
  validatePasswordPolicy,
} from '#shared/passwords.js';

export { type ConfigFiles, LAMBDA_CA_BUNDLE } from '#shared/env.js';

/** The rotation function's settings. */
export interface RotateConfig {
  readonly passwordPolicy: PasswordPolicy;
  readonly connectTimeoutMs: number;
  /** PEM CA bundle contents; `undefined`: Node's own roots. */
  readonly caBundle: string | undefined;
  /** A step gives up this long before the Lambda's own timeout. */
  readonly timeoutMarginMs: number;
}

const PASSWORD_VARIABLES = [
  'PASSWORD_LENGTH',
  'EXCLUDE_CHARACTERS',
  'EXCLUDE_NUMBERS',
  'EXCLUDE_PUNCTUATION',
  'EXCLUDE_UPPERCASE',
  'EXCLUDE_LOWERCASE',
] as const;

const readPasswordPolicy = (env: Env): PasswordPolicy => {
  const policy: PasswordPolicy = {
    length: readInteger(env, 'PASSWORD_LENGTH', DEFAULT_PASSWORD_POLICY.length, 1, 4096),
    excludeCharacters: env.EXCLUDE_CHARACTERS ?? DEFAULT_PASSWORD_POLICY.excludeCharacters,
    excludeNumbers: readBoolean(env, 'EXCLUDE_NUMBERS', DEFAULT_PASSWORD_POLICY.excludeNumbers),
    excludePunctuation: readBoolean(
      env,
      'EXCLUDE_PUNCTUATION',
      DEFAULT_PASSWORD_POLICY.excludePunctuation,
    ),
    excludeUppercase: readBoolean(
      env,
      'EXCLUDE_UPPERCASE',
      DEFAULT_PASSWORD_POLICY.excludeUppercase,
    ),
    excludeLowercase: readBoolean(
      env,
      'EXCLUDE_LOWERCASE',
      DEFAULT_PASSWORD_POLICY.excludeLowercase,
    ),
    requireEachIncludedType: readBoolean(
      env,
      'REQUIRE_EACH_INCLUDED_TYPE',
      DEFAULT_PASSWORD_POLICY.requireEachIncludedType,
    ),
  };
  validatePasswordPolicy(policy);
  // The same floor as the tags: a deployment cannot weaken every password at once either.
  requireStrongPasswordPolicy(
    policy,
    PASSWORD_VARIABLES.filter((name) => (env[name] ?? '').trim() !== '').join(', '),
  );
  return policy;
};

/**
 * Reads and validates the rotation function's environment. Throws ConfigurationError naming the
 * first invalid variable.
 *
 * @example
 * const config = readRotateConfig(process.env); // at module scope
 */
export const readRotateConfig = (env: Env, files: ConfigFiles = realFiles): RotateConfig => ({
  passwordPolicy: readPasswordPolicy(env),
  ...readConnectOptions(env, files),
  timeoutMarginMs: readInteger(env, 'ROTASYNC_TIMEOUT_MARGIN_MS', 2000, 0, 900_000),
});
