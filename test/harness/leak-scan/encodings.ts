/**
 * The forms a value can take in text: as it is, escaped inside a JSON string (once, or twice
 * for JSON logged inside JSON), URL-encoded (as `encodeURIComponent` and as a form body write it),
 * and base64 in both alphabets. Base64 inside a longer encoded blob depends on the value's byte
 * offset modulo 3, so each of the three alignments gives a needle: the characters that only the
 * value's own bytes determine.
 */

export type Encoding = 'raw' | 'json' | 'json-in-json' | 'url' | 'base64' | 'base64url';

/** One form of a value to search for. */
export interface EncodedForm {
  readonly encoding: Encoding;
  readonly text: string;
}

const jsonEscaped = (text: string): string => JSON.stringify(text).slice(1, -1);

/**
 * The base64 characters fully determined by `bytes` when they start `shift` bytes (0..2) into an
 * encoded stream: a character covers bits [6k, 6k + 6), the value bits [8·shift, 8·(shift + n)).
 */
const base64Aligned = (bytes: Buffer, shift: number): string => {
  const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
  const first = Math.ceil((8 * shift) / 6);
  const end = Math.floor((8 * (shift + bytes.length)) / 6);
  return encoded.slice(first, end);
};

/**
 * Every distinct form of `value`, the raw one first; forms shorter than `minLength` are left out
 * (a very short value's base64 cut to its own bits may be).
 * @example
 * encodedForms('a b"c', 1).map((form) => form.encoding) // raw, json, json-in-json, url, base64...
 */
export const encodedForms = (value: string, minLength: number): EncodedForm[] => {
  const bytes = Buffer.from(value, 'utf8');
  const candidates: EncodedForm[] = [
    { encoding: 'raw', text: value },
    { encoding: 'json', text: jsonEscaped(value) },
    { encoding: 'json-in-json', text: jsonEscaped(jsonEscaped(value)) },
    { encoding: 'url', text: encodeURIComponent(value) },
    { encoding: 'url', text: new URLSearchParams({ v: value }).toString().slice(2) },
  ];
  for (const shift of [0, 1, 2]) {
    const standard = base64Aligned(bytes, shift);
    candidates.push({ encoding: 'base64', text: standard });
    candidates.push({
      encoding: 'base64url',
      text: standard.replaceAll('+', '-').replaceAll('/', '_'),
    });
  }
  const seen = new Set<string>();
  return candidates.filter((form) => {
    if (form.text.length < minLength || seen.has(form.text)) return false;
    seen.add(form.text);
    return true;
  });
};
