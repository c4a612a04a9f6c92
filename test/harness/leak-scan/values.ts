/**
 * Which strings count as values the suite created, learned from what the local cloud stored and
 * what test helpers made (local-cloud/taps.ts): each stored value whole, and inside a JSON
 * secret every string field whose key names a credential (`password`, `secret`, `token`, ...),
 * at any depth. Values shorter than VALUE_FLOOR are not scanned: they occur in ordinary text by
 * chance (`v2`, `true`, a port number), and no credential is that short.
 */
import { createHmac } from 'node:crypto';
import type { TappedValue } from '#local-cloud/taps.js';

/** The shortest value scanned, in UTF-16 code units (JavaScript's `length`). */
export const VALUE_FLOOR = 8;

/** A value to search for, and where it was first learned (never the value itself). */
export interface LearnedValue {
  readonly value: string;
  readonly origin: string;
}

/** Keys whose string values are credentials; `username`, `host`, `engine`, ... are not. */
const CREDENTIAL_KEY = /pass|secret|token|credential|private|api.?key|auth/i;
const MAX_DEPTH = 8;

const fieldsOf = (
  json: unknown,
  path: string,
  depth: number,
  out: LearnedValue[],
  origin: string,
) => {
  if (depth > MAX_DEPTH || typeof json !== 'object' || json === null) return;
  for (const [key, inner] of Object.entries(json)) {
    const innerPath = path === '' ? key : `${path}.${key}`;
    if (typeof inner === 'string' && CREDENTIAL_KEY.test(key)) {
      out.push({ value: inner, origin: `${origin}, field ${innerPath}` });
    } else {
      fieldsOf(inner, innerPath, depth + 1, out, origin);
    }
  }
};

/**
 * The values one stored string stands for: itself, and its credential fields when it is JSON.
 * @example
 * learnValues({ origin: 'secret app', value: '{"username":"app","password":"s3cret-pass"}' })
 * // → the whole string, and 's3cret-pass' (origin 'secret app, field password')
 */
export const learnValues = (tapped: TappedValue): LearnedValue[] => {
  const out: LearnedValue[] = [{ value: tapped.value, origin: tapped.origin }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(tapped.value);
  } catch {
    return out;
  }
  fieldsOf(parsed, '', 0, out, tapped.origin);
  return out;
};

/** Whether a value is long enough to be scanned. */
export const isScanned = (value: string): boolean => value.length >= VALUE_FLOOR;

/**
 * How a report names a value: 12 hex digits of HMAC-SHA-256 under the run's key, so a report
 * (or a CI log) cannot be used to confirm a guess of a value, while one run's reports agree.
 */
export const fingerprint = (key: string, value: string): string =>
  createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, 12);
