/**
 * Which secrets a disaster-recovery function acts on: `"all"`, `{ "names": [...] }` (names or
 * ARNs) or `{ "tag": { "key": "team", "value": "orders" } }`. Parsed before any AWS call.
 */
import { InvalidEventError } from '#shared/errors.js';

/** A parsed selector. */
export type SecretSelector =
  | { readonly kind: 'all' }
  | { readonly kind: 'names'; readonly names: readonly string[] }
  | { readonly kind: 'tag'; readonly key: string; readonly value: string };

/** What a selector looks at. */
export interface SelectableSecret {
  readonly arn: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

const PRINTABLE = /^[ -~]+$/;
const MAX_NAMES = 100;

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

const text = (value: unknown, field: string, max: number): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new InvalidEventError(
      field,
      `field "${field}" must be a string of 1 to ${max} characters`,
    );
  }
  if (!PRINTABLE.test(value)) {
    throw new InvalidEventError(
      field,
      `field "${field}" contains characters outside printable ASCII`,
    );
  }
  return value;
};

/**
 * Parses the `secrets` field; absent means all. Throws InvalidEventError naming the field.
 *
 * @example
 * parseSelector({ names: ['prod/db/app'] }) // { kind: 'names', names: ['prod/db/app'] }
 */
export const parseSelector = (input: unknown, field = 'secrets'): SecretSelector => {
  if (input === undefined || input === null || input === 'all') return { kind: 'all' };
  if (!isRecord(input)) {
    throw new InvalidEventError(field, `field "${field}" must be "all", { names } or { tag }`);
  }
  const keys = Object.keys(input);
  if (keys.length === 1 && Array.isArray(input.names)) {
    const names = input.names;
    if (names.length === 0 || names.length > MAX_NAMES) {
      throw new InvalidEventError(
        field,
        `field "${field}.names" must list 1 to ${MAX_NAMES} secrets`,
      );
    }
    return {
      kind: 'names',
      names: [...new Set(names.map((name) => text(name, `${field}.names`, 2048)))],
    };
  }
  if (keys.length === 1 && isRecord(input.tag)) {
    const tag = input.tag;
    if (Object.keys(tag).some((key) => key !== 'key' && key !== 'value')) {
      throw new InvalidEventError(field, `field "${field}.tag" takes only "key" and "value"`);
    }
    return {
      kind: 'tag',
      key: text(tag.key, `${field}.tag.key`, 128),
      value: text(tag.value, `${field}.tag.value`, 256),
    };
  }
  throw new InvalidEventError(field, `field "${field}" must be "all", { names } or { tag }`);
};

/** True when the selector picks `secret` (a name matches the secret's name or ARN). */
export const selects = (selector: SecretSelector, secret: SelectableSecret): boolean => {
  switch (selector.kind) {
    case 'all':
      return true;
    case 'names':
      return selector.names.includes(secret.name) || selector.names.includes(secret.arn);
    case 'tag':
      return secret.tags[selector.key] === selector.value;
  }
};

/** The names a `names` selector lists that none of `found` matches (to report them). */
export const unmatchedNames = (
  selector: SecretSelector,
  found: readonly SelectableSecret[],
): string[] =>
  selector.kind === 'names'
    ? selector.names.filter(
        (name) => !found.some((secret) => selects({ kind: 'names', names: [name] }, secret)),
      )
    : [];
