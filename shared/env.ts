/**
 * Reading a function's environment at cold start: each reader names the variable in the
 * ConfigurationError it throws, so a bad setting fails the function's init, not an invocation
 * half-way. Empty or absent means the default.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ConnectOptions } from './engines/engine.js';
import { ConfigurationError } from './errors.js';

/** A function's environment (`process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

const TRUE = new Set(['true', '1', 'y', 'yes']);
const FALSE = new Set(['false', '0', 'n', 'no']);

/**
 * `true`/`false` (also 1/0, y/n, yes/no, any case).
 *
 * @example
 * readBoolean(process.env, 'EXCLUDE_NUMBERS', false)
 */
export const readBoolean = (env: Env, name: string, fallback: boolean): boolean => {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new ConfigurationError(`${name} must be true/false (also 1/0, y/n, yes/no)`);
};

/**
 * A whole number from `min` to `max`.
 *
 * @example
 * readInteger(process.env, 'PASSWORD_LENGTH', 32, 1, 4096)
 */
export const readInteger = (
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
};

/** The file system calls config reading needs; real ones by default, fakes in tests. */
export interface ConfigFiles {
  exists(path: string): boolean;
  read(path: string): string;
}

/** The Lambda Node.js runtime's bundle: the public roots plus the RDS certificate authorities. */
export const LAMBDA_CA_BUNDLE = '/var/runtime/ca-cert.pem';

export const realFiles: ConfigFiles = {
  exists: (path) => existsSync(path),
  read: (path) => readFileSync(path, 'utf8'),
};

/** ROTASYNC_CA_BUNDLE's PEM (a path); default the Lambda runtime's bundle, else none. */
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

/**
 * How the functions that log in connect: ROTASYNC_CONNECT_TIMEOUT_MS (default 5000) and the CA
 * bundle ROTASYNC_CA_BUNDLE names (default the Lambda runtime's, with the RDS authorities).
 *
 * @example
 * const connect = readConnectOptions(process.env); // at module scope
 */
export const readConnectOptions = (env: Env, files: ConfigFiles = realFiles): ConnectOptions => ({
  connectTimeoutMs: readInteger(env, 'ROTASYNC_CONNECT_TIMEOUT_MS', 5000, 100, 900_000),
  caBundle: readCaBundle(env, files),
});
