/**
 * Password generation with node:crypto, by the policy the official templates read from their
 * environment (PASSWORD_LENGTH, EXCLUDE_*, REQUIRE_EACH_INCLUDED_TYPE). Generating locally saves
 * the GetRandomPassword call, which also needs IAM `Resource: "*"`.
 *
 * A secret may narrow the function's policy for itself with tags (for a legacy client that
 * needs shorter passwords or fewer characters); a tag can only make the policy stricter:
 * - `rotasync:password-length`: a whole number up to the default length (PASSWORD_LENGTH); it
 *   can shorten passwords, never lengthen them.
 * - `rotasync:password-exclude-characters`: characters excluded on top of EXCLUDE_CHARACTERS.
 *   Secrets Manager tag values hold only letters, digits, spaces and `+ - = . _ : / @`.
 * - `rotasync:password-exclude-numbers`, `…-exclude-punctuation`, `…-exclude-uppercase`,
 *   `…-exclude-lowercase`: `true` excludes that class; `false` changes nothing.
 * Tag keys match case-insensitively. Any other `rotasync:password-*` tag, or a bad value, is a
 * ConfigurationError naming the tag, raised before anything is written.
 *
 * Whoever may tag a secret must not be able to weaken its password to something guessable
 * (length 12 over one character is a constant): a policy is refused below
 * {@link MIN_PASSWORD_STRENGTH_BITS}, counted as length × log2(alphabet size after exclusions).
 * The function's own environment policy is held to the same floor at cold start.
 */
import { randomBytes } from 'node:crypto';
import { ConfigurationError, type ErrorWhere } from './errors.js';
import { Sensitive } from './sensitive.js';

/** What a generated password may and must contain. */
export interface PasswordPolicy {
  /** 1..4096 characters. */
  readonly length: number;
  /** Characters never used, whatever their type. */
  readonly excludeCharacters: string;
  readonly excludeNumbers: boolean;
  readonly excludePunctuation: boolean;
  readonly excludeUppercase: boolean;
  readonly excludeLowercase: boolean;
  /** At least one character of each type left in the alphabet. */
  readonly requireEachIncludedType: boolean;
}

/**
 * Punctuation used by default: the characters RFC 3986 calls "unreserved" (never
 * percent-encoded in a connection URL's userinfo) minus `~`, which a shell expands at the start
 * of a word or after `=`. None of `-`, `_`, `.` means anything to a shell, to `.pgpass` (`:` and
 * `\`), to a MySQL option file (`#`, `;`, quotes, `\`) or to a libpq key=value string (space,
 * quotes, `\`), so a password never needs quoting or escaping anywhere it is pasted.
 */
export const SAFE_PUNCTUATION = '-_.';

/** The official templates' defaults, with the safe punctuation set. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  length: 32,
  excludeCharacters: '',
  excludeNumbers: false,
  excludePunctuation: false,
  excludeUppercase: false,
  excludeLowercase: false,
  requireEachIncludedType: true,
};

/** A source of random bytes; node:crypto's by default, a fixed one in tests. */
export type RandomSource = (size: number) => Uint8Array;

const TYPES = {
  numbers: '0123456789',
  punctuation: SAFE_PUNCTUATION,
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
} as const;

const MAX_LENGTH = 4096;
// Far beyond what any valid policy needs (the narrowest ones succeed in about 1 of 100 drafts).
const MAX_DRAFTS = 100_000;

const includedTypes = (policy: PasswordPolicy): string[] => {
  const chosen = [
    policy.excludeNumbers ? '' : TYPES.numbers,
    policy.excludePunctuation ? '' : TYPES.punctuation,
    policy.excludeUppercase ? '' : TYPES.uppercase,
    policy.excludeLowercase ? '' : TYPES.lowercase,
  ];
  const excluded = new Set(policy.excludeCharacters);
  return chosen
    .map((chars) => [...chars].filter((c) => !excluded.has(c)).join(''))
    .filter((chars) => chars.length > 0);
};

/**
 * Checks a policy and returns its character types (each non-empty). Throws ConfigurationError
 * naming the environment variable when no character is left or the length cannot hold them.
 */
export const validatePasswordPolicy = (policy: PasswordPolicy): readonly string[] => {
  if (!Number.isInteger(policy.length) || policy.length < 1 || policy.length > MAX_LENGTH) {
    throw new ConfigurationError(`PASSWORD_LENGTH must be an integer from 1 to ${MAX_LENGTH}`);
  }
  const types = includedTypes(policy);
  if (types.length === 0) {
    throw new ConfigurationError(
      'EXCLUDE_CHARACTERS and EXCLUDE_* leave no character to build a password from',
    );
  }
  if (policy.requireEachIncludedType && policy.length < types.length) {
    throw new ConfigurationError(
      `PASSWORD_LENGTH ${policy.length} cannot hold one character of each of the ${types.length} required types (REQUIRE_EACH_INCLUDED_TYPE)`,
    );
  }
  return types;
};

/**
 * The weakest policy accepted, in bits: 96 bits take about 2^95 guesses on average, beyond any
 * online or offline attack, and the default policy (32 characters over 65) gives 192.
 */
export const MIN_PASSWORD_STRENGTH_BITS = 96;

/**
 * The strength of `policy` in bits: length × log2(number of characters left after every
 * exclusion). The one-of-each-type rule removes a little from this; the floor has room for it.
 *
 * @example
 * passwordStrengthBits(DEFAULT_PASSWORD_POLICY) // 192.7 (32 characters over 65)
 */
export const passwordStrengthBits = (policy: PasswordPolicy): number => {
  const alphabet = includedTypes(policy).join('').length;
  return alphabet === 0 ? 0 : policy.length * Math.log2(alphabet);
};

/** A policy's strength in words, for error messages: never a password, only its shape. */
const describeStrength = (policy: PasswordPolicy): string => {
  const alphabet = includedTypes(policy).join('').length;
  const bits = passwordStrengthBits(policy);
  const needed = alphabet > 1 ? Math.ceil(MIN_PASSWORD_STRENGTH_BITS / Math.log2(alphabet)) : 0;
  const advice =
    alphabet > 1
      ? `; over ${alphabet} characters a password needs at least ${needed} of them`
      : '; a password over fewer than 2 characters is a constant';
  return `${Math.floor(bits)} bits (${policy.length} characters over an alphabet of ${alphabet}), below the minimum of ${MIN_PASSWORD_STRENGTH_BITS} bits${advice}`;
};

/**
 * Throws ConfigurationError when `policy` is weaker than {@link MIN_PASSWORD_STRENGTH_BITS};
 * `source` names what set it (the environment variables or the tags), `where` the secret.
 */
export const requireStrongPasswordPolicy = (
  policy: PasswordPolicy,
  source: string,
  where: ErrorWhere = {},
): void => {
  if (passwordStrengthBits(policy) >= MIN_PASSWORD_STRENGTH_BITS) return;
  throw new ConfigurationError(
    `the password policy from ${source} is too weak: ${describeStrength(policy)}`,
    where,
  );
};

/** Picks `length` characters of `alphabet` uniformly: bytes at or above the cut are dropped. */
const draw = (alphabet: string, length: number, random: RandomSource): string => {
  // The largest multiple of the alphabet size that fits in a byte: `byte % size` is uniform below it.
  const cut = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of random(length - out.length + 8)) {
      if (byte < cut && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
};

/**
 * Builds a generator for `policy`, validated now (ConfigurationError) rather than mid-rotation.
 * A draft missing a required type is drawn again whole, which keeps every valid password
 * equally likely.
 *
 * @example
 * const generatePassword = createPasswordGenerator(DEFAULT_PASSWORD_POLICY);
 * generatePassword().reveal().length // 32
 */
export const createPasswordGenerator = (
  policy: PasswordPolicy,
  random: RandomSource = randomBytes,
): (() => Sensitive<string>) => {
  const types = validatePasswordPolicy(policy);
  const alphabet = types.join('');
  const complete = (draft: string): boolean =>
    !policy.requireEachIncludedType ||
    types.every((chars) => [...chars].some((c) => draft.includes(c)));
  return () => {
    for (let attempt = 0; attempt < MAX_DRAFTS; attempt += 1) {
      const draft = draw(alphabet, policy.length, random);
      if (complete(draft)) return new Sensitive(draft);
    }
    throw new ConfigurationError('the password policy is too narrow to satisfy in practice');
  };
};

/** The tags a secret may carry to narrow the password policy for itself. */
export const PASSWORD_POLICY_TAGS = {
  length: 'rotasync:password-length',
  excludeCharacters: 'rotasync:password-exclude-characters',
  excludeNumbers: 'rotasync:password-exclude-numbers',
  excludePunctuation: 'rotasync:password-exclude-punctuation',
  excludeUppercase: 'rotasync:password-exclude-uppercase',
  excludeLowercase: 'rotasync:password-exclude-lowercase',
} as const;

const TAG_PREFIX = 'rotasync:password-';

type ClassTag = 'excludeNumbers' | 'excludePunctuation' | 'excludeUppercase' | 'excludeLowercase';

/** A policy narrowed by a secret's tags, and the tag keys (as written) that narrowed it. */
export interface NarrowedPasswordPolicy {
  readonly policy: PasswordPolicy;
  readonly tags: readonly string[];
}

// The floor is the strength check's (MIN_PASSWORD_STRENGTH_BITS), which knows the alphabet.
const readLengthTag = (key: string, raw: string, base: number, where: ErrorWhere): number => {
  const value = /^[0-9]{1,4}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > base) {
    throw new ConfigurationError(
      `tag ${key} must be a whole number of characters up to the default length ${base}: a tag can shorten the default password length, not lengthen it`,
      where,
    );
  }
  return value;
};

const readClassTag = (key: string, raw: string, where: ErrorWhere): boolean => {
  const value = raw.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigurationError(`tag ${key} must be true or false`, where);
};

/**
 * `base` narrowed by a secret's `rotasync:password-*` tags (see the module comment). Throws
 * ConfigurationError naming the tag when a tag is unknown, has a bad value, would leave no
 * password that fits, or would leave passwords weaker than {@link MIN_PASSWORD_STRENGTH_BITS}.
 *
 * @example
 * narrowPasswordPolicy(DEFAULT_PASSWORD_POLICY, { 'rotasync:password-length': '20' }).policy.length // 20
 */
export const narrowPasswordPolicy = (
  base: PasswordPolicy,
  tags: Readonly<Record<string, string>>,
  where: ErrorWhere = {},
): NarrowedPasswordPolicy => {
  const byName = new Map<string, ClassTag | 'length' | 'excludeCharacters'>(
    Object.entries(PASSWORD_POLICY_TAGS).map(([field, tag]) => [
      tag,
      field as ClassTag | 'length' | 'excludeCharacters',
    ]),
  );
  let policy: PasswordPolicy = base;
  const used: string[] = [];
  for (const [key, raw] of Object.entries(tags)) {
    if (!key.toLowerCase().startsWith(TAG_PREFIX)) continue;
    const field = byName.get(key.toLowerCase());
    if (field === undefined) {
      throw new ConfigurationError(
        `tag ${key} is not a password policy tag (known: ${Object.values(PASSWORD_POLICY_TAGS).join(', ')})`,
        where,
      );
    }
    used.push(key);
    if (field === 'length') {
      policy = { ...policy, length: readLengthTag(key, raw, base.length, where) };
    } else if (field === 'excludeCharacters') {
      const merged = new Set([...policy.excludeCharacters, ...raw]);
      policy = { ...policy, excludeCharacters: [...merged].join('') };
    } else if (readClassTag(key, raw, where)) {
      policy = { ...policy, [field]: true };
    }
  }
  if (used.length > 0) {
    try {
      validatePasswordPolicy(policy);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      throw new ConfigurationError(
        `tags ${used.join(', ')} narrow the password policy until no password fits (no character left, or too short for one of each required type)`,
        where,
      );
    }
    requireStrongPasswordPolicy(
      policy,
      `${used.length === 1 ? 'tag' : 'tags'} ${used.join(', ')}`,
      where,
    );
  }
  return { policy, tags: used };
};
