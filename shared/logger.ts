/**
 * The one Powertools Logger of every Rotasync function. Secret material travels as `Sensitive`
 * and prints `[redacted]`; the replacer below is the safety net for anything that slips through.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Sensitive } from './sensitive.js';

/** Keys whose value is blanked in every log line, whatever it holds. */
export const REDACTED_KEYS: ReadonlySet<string> = new Set([
  'password',
  'SecretString',
  'SecretBinary',
  'connectionString',
]);

/**
 * JSON replacer for log lines: blanks the keys in REDACTED_KEYS and prints Sensitive values as
 * `[redacted]`.
 *
 * @example
 * JSON.stringify({ password: 'x' }, redactSecrets) // '{"password":"[redacted]"}'
 */
export const redactSecrets = (key: string, value: unknown): unknown => {
  if (REDACTED_KEYS.has(key) || value instanceof Sensitive) return '[redacted]';
  return value;
};

/** The shared logger; the service name comes from POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger({ jsonReplacerFn: redactSecrets });
