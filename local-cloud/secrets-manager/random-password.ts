/**
 * GetRandomPassword's generator, with node:crypto randomness.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 */
import { randomInt } from 'node:crypto';
import { invalidParameter } from './errors.js';
import { checkRange } from './validate.js';

export const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
/** The punctuation set the service documents. */
export const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export interface PasswordOptions {
  readonly PasswordLength?: number;
  readonly ExcludeCharacters?: string;
  readonly ExcludeNumbers?: boolean;
  readonly ExcludePunctuation?: boolean;
  readonly ExcludeUppercase?: boolean;
  readonly ExcludeLowercase?: boolean;
  readonly IncludeSpace?: boolean;
  readonly RequireEachIncludedType?: boolean;
}

/**
 * A random password following the options (length 1..4096, default 32). Throws
 * ValidationException for a length outside 1..4096 (the model's range), InvalidParameterException when the options leave no character to use, or when each included
 * type is required but the length is shorter than the number of types.
 */
export const generatePassword = (options: PasswordOptions = {}): string => {
  const length = options.PasswordLength ?? 32;
  if (!Number.isInteger(length)) throw invalidParameter('PasswordLength must be an integer.');
  checkRange('PasswordLength', length, 1, 4096);
  const excluded = new Set(options.ExcludeCharacters ?? '');
  const keep = (chars: string): string => [...chars].filter((c) => !excluded.has(c)).join('');
  // Space counts as a usable character but not as a required type: the docs list only upper,
  // lower, number and punctuation under RequireEachIncludedType.
  const types = [
    options.ExcludeUppercase === true ? '' : keep(UPPERCASE),
    options.ExcludeLowercase === true ? '' : keep(LOWERCASE),
    options.ExcludeNumbers === true ? '' : keep(DIGITS),
    options.ExcludePunctuation === true ? '' : keep(PUNCTUATION),
  ].filter((set) => set.length > 0);
  const space = options.IncludeSpace === true && !excluded.has(' ') ? ' ' : '';
  const all = types.join('') + space;
  if (all.length === 0) {
    throw invalidParameter(
      'The options exclude every character: nothing to build a password from.',
    );
  }
  const chars: string[] = [];
  if (options.RequireEachIncludedType ?? true) {
    if (length < types.length) {
      throw invalidParameter(
        `PasswordLength ${length} is too short to include each of the ${types.length} required character types.`,
      );
    }
    for (const set of types) chars.push(pick(set));
  }
  while (chars.length < length) chars.push(pick(all));
  // Fisher-Yates, so the required characters are not always at the front.
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    const tmp = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = tmp;
  }
  return chars.join('');
};

const pick = (set: string): string => set[randomInt(set.length)] as string;
