import { describe, expect, it } from 'vitest';
import { KnownValues } from '#shared/known-values.js';
import { Sensitive } from '#shared/sensitive.js';

describe('KnownValues', () => {
  it('redacts every remembered value, longest first, and ignores empty ones', () => {
    // Prepare
    const known = new KnownValues();
    known.remember('abc');
    known.remember(new Sensitive('abcdef'));
    known.remember('');
    // Act
    const text = known.redact('x abcdef y abc z');
    // Assess
    expect(text).toBe('x [redacted] y [redacted] z');
  });

  it('forgets', () => {
    // Prepare
    const known = new KnownValues();
    known.remember('abc');
    // Act
    known.forget();
    // Assess
    expect(known.redact('abc')).toBe('abc');
  });

  it('keeps the most recent values only, a value seen again counting as recent', () => {
    // Prepare
    const known = new KnownValues(3);
    known.remember('first-value');
    known.remember('second-value');
    known.remember('third-value');
    known.remember('first-value');
    // Act
    known.remember('fourth-value');
    // Assess: 'second-value' was the least recently seen.
    expect(known.redact('first-value second-value third-value fourth-value')).toBe(
      '[redacted] second-value [redacted] [redacted]',
    );
  });
});
