import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NeedleSet, WINDOW } from '#test/harness/leak-scan/search.js';

/** Every occurrence by plain indexOf: the oracle. */
const naive = (text: string, needles: readonly string[]) =>
  needles
    .flatMap((needle) => {
      const offsets: [number, string][] = [];
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
        offsets.push([at, needle]);
      }
      return offsets;
    })
    .sort(([a, x], [b, y]) => a - b || x.localeCompare(y));

const found = (set: NeedleSet<{ text: string }>, text: string) =>
  set
    .find(text)
    .map(({ needle, offset }): [number, string] => [offset, needle.text])
    .sort(([a, x], [b, y]) => a - b || x.localeCompare(y));

describe('NeedleSet', () => {
  it('finds needles at the start, the end, overlapping and sharing a first window', () => {
    // Prepare
    const needles = ['abcdefgh', 'abcdefghij', 'cdefghijkl', 'xyz12345'];
    const set = new NeedleSet(needles.map((text) => ({ text })));
    const text = 'abcdefghijkl--xyz12345';
    // Act
    const matches = found(set, text);
    // Assess
    expect(matches).toEqual([
      [0, 'abcdefgh'],
      [0, 'abcdefghij'],
      [2, 'cdefghijkl'],
      [14, 'xyz12345'],
    ]);
  });

  it('finds exactly what indexOf finds, over random texts and needles cut from them', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 0, maxLength: 300 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: WINDOW, max: 20 })), { maxLength: 6 }),
        fc.array(fc.string({ minLength: WINDOW, maxLength: 12 }), { maxLength: 3 }),
        (text, cuts, unrelated) => {
          // Prepare: needles taken from the text (found) and random ones (mostly not)
          const fromText = cuts
            .map(([at, length]) =>
              text.slice(at % (text.length + 1), (at % (text.length + 1)) + length),
            )
            .filter((needle) => needle.length >= WINDOW);
          const needles = [...new Set([...fromText, ...unrelated])];
          const set = new NeedleSet(needles.map((needle) => ({ text: needle })));
          // Act + Assess
          expect(found(set, text)).toEqual(naive(text, needles));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a needle shorter than its window', () => {
    expect(() => new NeedleSet([{ text: 'short' }])).toThrow(RangeError);
  });

  it('finds nothing in a text shorter than the window, or with no needles', () => {
    expect(new NeedleSet([{ text: 'abcdefgh' }]).find('abc')).toEqual([]);
    expect(new NeedleSet([]).find('abcdefghijkl')).toEqual([]);
  });
});
