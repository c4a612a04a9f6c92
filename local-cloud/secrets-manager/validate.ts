/**
 * Request field checks shared by the operations. Each throws InvalidParameterException naming the
 * field, never echoing a value (a field may carry a secret).
 */
import { invalidParameter } from './errors.js';
import type { StoredValue, Tag } from './model.js';

/** A request body: the JSON object the client sent. */
export type RequestBody = Readonly<Record<string, unknown>>;

/** Largest SecretString/SecretBinary, in bytes. */
export const MAX_VALUE_BYTES = 65_536;

interface Length {
  readonly min?: number;
  readonly max?: number;
}

/** An optional string field within `min..max` characters. */
export const optionalString = (
  body: RequestBody,
  field: string,
  length: Length = {},
): string | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${field} must be a string.`);
  const { min = 0, max = Number.POSITIVE_INFINITY } = length;
  if (value.length < min || value.length > max) {
    throw invalidParameter(
      `${field} must be ${max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`} characters long.`,
    );
  }
  return value;
};

/** A required string field. */
export const requiredString = (body: RequestBody, field: string, length: Length = {}): string => {
  const value = optionalString(body, field, length);
  if (value === undefined) throw invalidParameter(`${field} is required.`);
  return value;
};

/** The SecretId every secret operation takes: 1..2048 characters. */
export const secretIdOf = (body: RequestBody): string =>
  requiredString(body, 'SecretId', { min: 1, max: 2048 });

export const optionalBoolean = (body: RequestBody, field: string): boolean | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParameter(`${field} must be a boolean.`);
  return value;
};

export const optionalInteger = (
  body: RequestBody,
  field: string,
  min: number,
  max: number,
): number | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(`${field} must be an integer between ${min} and ${max}.`);
  }
  return value;
};

export const optionalStringList = (
  body: RequestBody,
  field: string,
  count: Length,
  each: Length,
): string[] | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter(`${field} must be a list of strings.`);
  const { min = 0, max = Number.POSITIVE_INFINITY } = count;
  if (value.length < min || value.length > max) {
    throw invalidParameter(`${field} must have ${min} to ${max} entries.`);
  }
  return value.map((item: unknown) => {
    if (typeof item !== 'string') throw invalidParameter(`${field} must be a list of strings.`);
    if (item.length < (each.min ?? 0) || item.length > (each.max ?? Number.POSITIVE_INFINITY)) {
      throw invalidParameter(
        `Each entry of ${field} must be ${each.min ?? 0} to ${each.max} characters long.`,
      );
    }
    return item;
  });
};

/** ClientRequestToken: 32..64 characters when given. */
export const clientRequestTokenOf = (body: RequestBody): string | undefined =>
  optionalString(body, 'ClientRequestToken', { min: 32, max: 64 });

/** VersionStages: 1..20 labels of 1..256 characters. */
export const versionStagesOf = (body: RequestBody): string[] | undefined =>
  optionalStringList(body, 'VersionStages', { min: 1, max: 20 }, { min: 1, max: 256 });

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * SecretString or SecretBinary (base64 in JSON), at most 65,536 bytes; `undefined` when neither
 * is present. Both at once is InvalidParameterException.
 */
export const secretValueOf = (body: RequestBody): StoredValue | undefined => {
  const text = body.SecretString;
  const binary = body.SecretBinary;
  const hasText = text !== undefined && text !== null;
  const hasBinary = binary !== undefined && binary !== null;
  if (hasText && hasBinary) {
    throw invalidParameter('You can specify either SecretString or SecretBinary, but not both.');
  }
  if (hasText) {
    if (typeof text !== 'string') throw invalidParameter('SecretString must be a string.');
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes < 1 || bytes > MAX_VALUE_BYTES) {
      throw invalidParameter(`SecretString must be 1 to ${MAX_VALUE_BYTES} bytes long.`);
    }
    return { kind: 'string', data: text };
  }
  if (hasBinary) {
    if (typeof binary !== 'string' || binary.length % 4 !== 0 || !BASE64.test(binary)) {
      throw invalidParameter('SecretBinary must be base64-encoded bytes.');
    }
    const bytes = Buffer.from(binary, 'base64').length;
    if (bytes < 1 || bytes > MAX_VALUE_BYTES) {
      throw invalidParameter(`SecretBinary must be 1 to ${MAX_VALUE_BYTES} bytes long.`);
    }
    return { kind: 'binary', data: binary };
  }
  return undefined;
};

/** Same stored value? (Token idempotency compares what was sent.) */
export const sameValue = (a: StoredValue | undefined, b: StoredValue | undefined): boolean =>
  a?.kind === b?.kind && a?.data === b?.data;

/** Tags: up to 50, keys 1..128 characters, values 0..256, no reserved `aws:` prefix. */
export const tagsOf = (body: RequestBody, field = 'Tags'): Tag[] | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter(`${field} must be a list of {Key, Value}.`);
  if (value.length > 50) throw invalidParameter('A secret can have at most 50 tags.');
  return value.map((item: unknown) => {
    const tag = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const key = tag.Key;
    const tagValue = tag.Value ?? '';
    if (typeof key !== 'string' || key.length < 1 || key.length > 128) {
      throw invalidParameter('Each tag Key must be 1 to 128 characters long.');
    }
    if (typeof tagValue !== 'string' || tagValue.length > 256) {
      throw invalidParameter('Each tag Value must be at most 256 characters long.');
    }
    if (key.toLowerCase().startsWith('aws:')) {
      throw invalidParameter('Tag keys starting with "aws:" are reserved for AWS use.');
    }
    return { Key: key, Value: tagValue };
  });
};

/** Secret names: 1..512 characters from letters, digits and /_+=.@- (the service's set). */
export const secretNameOf = (body: RequestBody): string => {
  const name = requiredString(body, 'Name', { min: 1, max: 512 });
  if (!/^[A-Za-z0-9/_+=.@-]+$/.test(name)) {
    throw invalidParameter(
      'The secret name can contain only ASCII letters, digits and the characters /_+=.@-',
    );
  }
  return name;
};
