/**
 * The rotation function's environment, read once at cold start and validated, so a bad setting
 * fails the function's init rather than a rotation half-way. Variable names follow the official
 * templates for a drop-in migration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Env, readBoolean, readInteger } from '#shared/env.js';
import { ConfigurationError } from '#shared/errors.js';
import {
  DEFAULT_PASSWORD_POLICY,
  type PasswordPolicy,
  requireStrongPasswordPolicy,
  validatePasswordPolicy,
} from '#shared/passwords.js';

/** The rotation function's settings. */
export interface RotateConfig {
  readonly passwordPolicy: PasswordPolicy;
  readonly connectTimeoutMs: number;
  /** PEM CA bundle contents; `undefined`: Node's own roots. */
  readonly caBundle: string | undefined;
  /** A step gives up this long before the Lambda's own timeout. */
  readonly timeoutMarginMs: number;
}

/** The file system calls config reading needs; real ones by default, fakes in tests. */
export interface ConfigFiles {
  exists(path: string): boolean;
  read(path: string): string;
}

/** The Lambda Node.js runtime's bundle: the public roots plus the RDS certificate authorities. */
export const LAMBDA_CA_BUNDLE = '/var/runtime/ca-cert.pem';

const realFiles: ConfigFiles = {
  exists: (path) => existsSync(path),
  read: (path) => readFileSync(path, 'utf8'),
};

const readCaBundle = (env: Env, files: ConfigFiles): string | undefined => {
  const path = env.ROTASYNC_CA_BUNDLE?.trim();
  if (path === undefined || path === '') {
    return files.exists(LAMBDA_CA_BUNDLE) ? files.read(LAMBDA_CA_BUNDLE) : undefined;
  }
  try {
    const pem = files.read(path);
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
  } catch {
    // Reported below with the variable's name; the OS error adds nothing the path doesn't say.
  }
  throw new ConfigurationError(
    `ROTASYNC_CA_BUNDLE does not name a readable PEM certificate bundle`,
  );
};

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
  connectTimeoutMs: readInteger(env, 'ROTASYNC_CONNECT_TIMEOUT_MS', 5000, 100, 900_000),
  caBundle: readCaBundle(env, files),
  timeoutMarginMs: readInteger(env, 'ROTASYNC_TIMEOUT_MARGIN_MS', 2000, 0, 900_000),
});
