/**
 * fast-check generators of hostile input: strings built to break quoting (quotes, backslashes,
 * NUL and other control characters, SQL and shell metacharacters, unicode that changes case or
 * direction, lone surrogates, very long runs), values of the wrong type, and JSON documents
 * mutated at random paths from a valid one.
 *
 * No vitest import: the full harness run (`npm run harness:inputs`) uses these outside vitest.
 */
import fc from 'fast-check';

/** Fragments that break naive quoting in SQL, JSON, shells, URLs, logs and HTTP. */
export const QUOTING_BREAKERS = [
  "'",
  '"',
  '`',
  '\\',
  '\0',
  '\u0000\u0000',
  '\x1b[31m',
  '\x7f',
  '\r\n',
  '\n',
  '\t',
  ';',
  '--',
  '/*',
  '*/',
  '$$',
  '$1',
  '%s',
  '%00',
  '$\u007bHOME}',
  '$(id)',
  '\\u0000',
  "\\'",
  "''",
  '""',
  "' OR '1'='1",
  '"; DROP ROLE postgres; --',
  "'); SET PASSWORD FOR root@'%' = 'x'; --",
  '@',
  ':',
  '/',
  '?',
  '#',
  '&',
  '=',
  ',',
  '*',
  '!',
  '__proto__',
  'constructor',
  'İ',
  'ß',
  'ǅ',
  '\u0301',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\u00a0',
  '\ud800',
  '\udfff',
  '😀',
  '👩‍👩‍👧',
  'Ω',
  '中文',
] as const;

/** Breakers that are neither whitespace (which `trim` removes) nor ASCII letters or digits. */
const NON_BLANK_BREAKERS = QUOTING_BREAKERS.filter(
  (fragment) =>
    fragment.trim() === fragment && fragment.trim() !== '' && !/^[A-Za-z0-9]+$/.test(fragment),
);

const breaker = fc.constantFrom(...QUOTING_BREAKERS);

/** A string made of quoting breakers and random text, up to a few hundred characters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(breaker, fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 12 })
      .map((parts) => parts.join('')),
  },
  {
    // Names of Object.prototype members: a lookup `table[name]` finds them without own keys.
    weight: 1,
    arbitrary: fc.constantFrom('constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\0',
      'null',
      'undefined',
      'true',
      '0',
      '-1',
      '1e309',
      'NaN',
    ),
  },
  {
    weight: 1,
    // Very long: past every length limit a field has (64 KiB values, 2,048-character ids).
    arbitrary: fc
      .tuple(breaker, fc.integer({ min: 300, max: 70_000 }))
      .map(([fragment, length]) =>
        fragment.repeat(Math.ceil(length / fragment.length)).slice(0, length),
      ),
  },
);

/** A value of any JSON type (or `undefined`), strings hostile. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constant(-0), fc.bigInt().map(String)),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, undefined) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__":{"polluted":true}}') as unknown) },
);

/** A hostile key for a JSON object: prototype names, empty, quoting breakers. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '',
      ' ',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'password',
      'username',
      'host',
      'engine',
      'masterarn',
      'PASSWORD',
      'Password',
    ),
  },
  { weight: 2, arbitrary: hostileString.filter((key) => key.length < 200) },
);

/** `base` with `fragment` inserted at a position (0..length). */
const insertInto = (base: string, fragment: string, at: number): string => {
  const index = Math.min(Math.max(0, at), base.length);
  return `${base.slice(0, index)}${fragment}${base.slice(index)}`;
};

/**
 * `base` with at least one non-blank quoting breaker inserted somewhere. `clean` matches the
 * fragments a valid value may itself contain (`,` in a list, `--` in a host name): those are
 * left out, so the result is never a valid value.
 */
export const brokenVersionOf = (base: string, clean?: RegExp): fc.Arbitrary<string> =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom(...NON_BLANK_BREAKERS.filter((fragment) => !clean?.test(fragment))),
        fc.nat({ max: base.length }),
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    )
    .map((insertions) =>
      insertions.reduce((text, [fragment, at]) => insertInto(text, fragment, at), base),
    );

type Json = Record<string, unknown>;

/** One mutation of a JSON object: a path, and what to do there. */
export type JsonMutation =
  | { readonly op: 'set'; readonly path: readonly string[]; readonly value: unknown }
  | { readonly op: 'delete'; readonly path: readonly string[] }
  | {
      readonly op: 'add';
      readonly path: readonly string[];
      readonly key: string;
      readonly value: unknown;
    };

/** Every path to a value inside `value` (objects only; the root excluded). */
const pathsOf = (value: unknown, prefix: readonly string[] = []): string[][] => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value).flatMap((key) => [
    [...prefix, key],
    ...pathsOf((value as Json)[key], [...prefix, key]),
  ]);
};

const objectPathsOf = (value: unknown): string[][] => [
  [],
  ...pathsOf(value).filter((path) => {
    const inner = path.reduce<unknown>((at, key) => (at as Json)[key], value);
    return typeof inner === 'object' && inner !== null && !Array.isArray(inner);
  }),
];

/** A deep copy of `base` with the mutations applied; keys are defined as own data properties. */
const applyMutations = (base: Json, mutations: readonly JsonMutation[]): Json => {
  const copy = structuredClone(base);
  for (const mutation of mutations) {
    const parentPath = mutation.op === 'add' ? mutation.path : mutation.path.slice(0, -1);
    let parent: unknown = copy;
    for (const key of parentPath) {
      parent = typeof parent === 'object' && parent !== null ? (parent as Json)[key] : undefined;
    }
    if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) continue;
    const key = mutation.op === 'add' ? mutation.key : mutation.path.at(-1);
    if (key === undefined) continue;
    if (mutation.op === 'delete') {
      delete (parent as Json)[key];
    } else {
      // defineProperty, not assignment: `__proto__` must become a key, as JSON.parse makes it.
      Object.defineProperty(parent, key, {
        // A copy: generated values may be shared (fc.constant), and later mutations write inside.
        value: structuredClone(mutation.value),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
  }
  return copy;
};

/**
 * `base` mutated 1..`max` times at random paths: values replaced with hostile ones, keys deleted,
 * hostile keys added. `paths` restricts which existing paths may be changed.
 */
export const mutatedJson = (
  base: Json,
  options: {
    readonly max?: number;
    readonly paths?: readonly (readonly string[])[];
    /** Only keys added (the valid document kept, hostile keys beside it). */
    readonly addOnly?: boolean;
  } = {},
): fc.Arbitrary<{ readonly value: Json; readonly mutations: readonly JsonMutation[] }> => {
  const paths = options.paths ?? pathsOf(base);
  const containers = objectPathsOf(base);
  const added: fc.Arbitrary<JsonMutation> = fc.record({
    op: fc.constant('add' as const),
    path: fc.constantFrom(...containers),
    key: hostileKey,
    value: hostileValue,
  });
  const mutation: fc.Arbitrary<JsonMutation> =
    options.addOnly === true
      ? added
      : fc.oneof(
          {
            weight: 5,
            arbitrary: fc.record({
              op: fc.constant('set' as const),
              path: fc.constantFrom(...paths),
              value: hostileValue,
            }),
          },
          {
            weight: 2,
            arbitrary: fc.record({
              op: fc.constant('delete' as const),
              path: fc.constantFrom(...paths),
            }),
          },
          { weight: 1, arbitrary: added },
        );
  return fc
    .array(mutation, { minLength: 1, maxLength: options.max ?? 3 })
    .map((mutations) => ({ value: applyMutations(base, mutations), mutations }));
};

/** Whether the mutations touched (set or deleted) one of `keys` at the top level. */
export const touches = (mutations: readonly JsonMutation[], keys: readonly string[]): boolean =>
  mutations.some(
    (mutation) =>
      mutation.op !== 'add' && mutation.path.length === 1 && keys.includes(mutation.path[0] ?? ''),
  );
