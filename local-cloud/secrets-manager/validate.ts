/**
 * Request field checks shared by the operations. Two kinds of failure, as the service has them:
 * a member breaking a constraint of the service model (required, length, range, pattern, enum;
 * botocore's secretsmanager service-2.json carries them) is ValidationException in AWS's
 * wording; a rule of the service itself is InvalidParameterException. Neither echoes a member
 * that may carry a secret: for those the message gives the length only.
 */
import { type ApiError, constraintViolation, invalidParameter } from './errors.js';
import type { StoredValue, Tag } from './model.js';

/** A request body: the JSON object the client sent. */
export type RequestBody = Readonly<Record<string, unknown>>;

/** Largest SecretString/SecretBinary, in bytes. */
export const MAX_VALUE_BYTES = 65_536;

interface Length {
  readonly min?: number;
  readonly max?: number;
}

/** Members whose value is never put into a message. */
const SECRET_MEMBERS = new Set(['SecretString', 'SecretBinary', 'RotationToken']);

/** The member path as AWS names it in messages: `RotationRules.Duration` → `rotationRules.duration`. */
const memberPath = (field: string): string =>
  field
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.');

/** The `Value …` part of a ValidationException message; the size only for secret members. */
const shownValue = (field: string, value: string, size: number): string =>
  SECRET_MEMBERS.has(field.split('.').pop() ?? field)
    ? `Value of length ${size}`
    : `Value '${value}'`;

/**
 * Throws ValidationException unless `size` (characters, bytes or entries, as the member counts)
 * is within the model's `min..max`.
 */
export const checkLength = (field: string, value: string, size: number, length: Length): void => {
  if (length.min !== undefined && size < length.min) {
    throw constraintViolation(
      shownValue(field, value, size),
      memberPath(field),
      `have length greater than or equal to ${length.min}`,
    );
  }
  if (length.max !== undefined && size > length.max) {
    throw constraintViolation(
      shownValue(field, value, size),
      memberPath(field),
      `have length less than or equal to ${length.max}`,
    );
  }
};

/** Throws ValidationException unless `value` is within the model's range `min..max`. */
export const checkRange = (field: string, value: number, min: number, max: number): void => {
  if (value < min || value > max) {
    throw constraintViolation(
      `Value '${value}'`,
      memberPath(field),
      value < min
        ? `have value greater than or equal to ${min}`
        : `have value less than or equal to ${max}`,
    );
  }
};

/** Throws ValidationException unless `value` matches the model's pattern. */
export const checkPattern = (field: string, value: string, pattern: RegExp): void => {
  if (!pattern.test(value)) {
    throw constraintViolation(
      shownValue(field, value, value.length),
      memberPath(field),
      `satisfy regular expression pattern: ${pattern.source}`,
    );
  }
};

/** ValidationException for a value outside the model's enum. */
export const enumViolation = (field: string, value: string, allowed: readonly string[]): ApiError =>
  constraintViolation(
    `Value '${value}'`,
    memberPath(field),
    `satisfy enum value set: [${allowed.join(', ')}]`,
  );

/** Throws ValidationException unless `value` is one of the model's enum values. */
export const checkEnum = (field: string, value: string, allowed: readonly string[]): void => {
  if (!allowed.includes(value)) throw enumViolation(field, value, allowed);
};

/** ValidationException for a required member that is missing. */
export const missingMember = (field: string): ApiError =>
  constraintViolation('Value null', memberPath(field), 'not be null');

/** An optional string field within the model's `min..max` characters. */
export const optionalString = (
  body: RequestBody,
  field: string,
  length: Length = {},
): string | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${field} must be a string.`);
  checkLength(field, value, value.length, length);
  return value;
};

/** A required string field. */
export const requiredString = (body: RequestBody, field: string, length: Length = {}): string => {
  const value = optionalString(body, field, length);
  if (value === undefined) throw missingMember(field);
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

/** An optional integer; with `range`, the model's range (ValidationException outside it). */
export const optionalInteger = (
  body: RequestBody,
  field: string,
  range?: { readonly min: number; readonly max: number },
): number | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidParameter(`${field} must be an integer.`);
  }
  if (range !== undefined) checkRange(field, value, range.min, range.max);
  return value;
};

/** An optional list of strings: `count` entries of `each` characters (the model's lengths). */
export const optionalStringList = (
  body: RequestBody,
  field: string,
  count: Length,
  each: Length,
): string[] | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item: unknown) => typeof item !== 'string')) {
    throw invalidParameter(`${field} must be a list of strings.`);
  }
  const items = value as string[];
  checkLength(field, `[${items.join(', ')}]`, items.length, count);
  items.forEach((item, index) => {
    checkLength(`${field}.${index + 1}.member`, item, item.length, each);
  });
  return items;
};

/** ClientRequestToken: 32..64 characters when given. */
export const clientRequestTokenOf = (body: RequestBody): string | undefined =>
  optionalString(body, 'ClientRequestToken', { min: 32, max: 64 });

/** VersionStages: 1..20 labels of 1..256 characters. */
export const versionStagesOf = (body: RequestBody): string[] | undefined =>
  optionalStringList(body, 'VersionStages', { min: 1, max: 20 }, { min: 1, max: 256 });

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * SecretString or SecretBinary (base64 in JSON), 1..65,536 bytes (ValidationException outside,
 * giving the size, never the value); `undefined` when neither is present. Both at once is
 * InvalidParameterException.
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
    // The documented limit is in bytes, so a multi-byte text hits it before 65,536 characters.
    checkLength('SecretString', '', Buffer.byteLength(text, 'utf8'), {
      min: 1,
      max: MAX_VALUE_BYTES,
    });
    return { kind: 'string', data: text };
  }
  if (hasBinary) {
    if (typeof binary !== 'string' || binary.length % 4 !== 0 || !BASE64.test(binary)) {
      throw invalidParameter('SecretBinary must be base64-encoded bytes.');
    }
    checkLength('SecretBinary', '', Buffer.from(binary, 'base64').length, {
      min: 1,
      max: MAX_VALUE_BYTES,
    });
    return { kind: 'binary', data: binary };
  }
  return undefined;
};

/** Same stored value? (Token idempotency compares what was sent.) */
export const sameValue = (a: StoredValue | undefined, b: StoredValue | undefined): boolean =>
  a?.kind === b?.kind && a?.data === b?.data;

/**
 * Tags: keys 1..128 characters and values 0..256 (model: ValidationException); at most 50 and no
 * reserved `aws:` prefix (service rules: InvalidParameterException).
 */
export const tagsOf = (body: RequestBody, field = 'Tags'): Tag[] | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter(`${field} must be a list of {Key, Value}.`);
  if (value.length > 50) throw invalidParameter('A secret can have at most 50 tags.');
  return value.map((item: unknown, index) => {
    const tag = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const member = `${field}.${index + 1}.member`;
    const key = tag.Key;
    const tagValue = tag.Value ?? '';
    if (key === undefined || key === null) throw missingMember(`${member}.Key`);
    if (typeof key !== 'string' || typeof tagValue !== 'string') {
      throw invalidParameter('Each tag Key and Value must be a string.');
    }
    checkLength(`${member}.Key`, key, key.length, { min: 1, max: 128 });
    checkLength(`${member}.Value`, tagValue, tagValue.length, { max: 256 });
    if (key.toLowerCase().startsWith('aws:')) {
      throw invalidParameter('Tag keys starting with "aws:" are reserved for AWS use.');
    }
    return { Key: key, Value: tagValue };
  });
};

/**
 * Secret names: 1..512 characters (model: ValidationException) from letters, digits and /_+=.@-
 * (a service rule, not in the model: InvalidParameterException).
 */
export const secretNameOf = (body: RequestBody): string => {
  const name = requiredString(body, 'Name', { min: 1, max: 512 });
  if (!/^[A-Za-z0-9/_+=.@-]+$/.test(name)) {
    throw invalidParameter(
      'The secret name can contain only ASCII letters, digits and the characters /_+=.@-',
    );
  }
  return name;
};
