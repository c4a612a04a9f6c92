import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '#shared/errors.js';
import { parseRotationEvent, ROTATION_STEPS } from '#shared/inputs/rotation-event.js';

// Field names and step names may appear in messages; they are vocabulary, not echoed values.
const VOCABULARY: readonly string[] = [...ROTATION_STEPS, 'ClientRequestToken', 'RotationToken'];
const TOKEN = '0f7d8e2a-3c4b-4d5e-8f6a-7b8c9d0e1f2a';
const valid = {
  Step: 'setSecret',
  SecretId: 'arn:aws:secretsmanager:us-east-1:1:secret:a',
  ClientRequestToken: TOKEN,
};

const fieldOf = (input: unknown): string => {
  try {
    parseRotationEvent(input);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.field;
    throw error;
  }
  throw new Error('expected InvalidEventError');
};

describe('parseRotationEvent', () => {
  it.each(ROTATION_STEPS)('accepts step %s', (Step) => {
    // Prepare
    const input = { ...valid, Step };
    // Act
    const event = parseRotationEvent(input);
    // Assess
    expect(event).toEqual(input);
  });

  it('keeps a RotationToken and drops unknown fields', () => {
    // Prepare
    const input = { ...valid, RotationToken: 'rt-abc', Extra: 'x' };
    // Act
    const event = parseRotationEvent(input);
    // Assess
    expect(event).toEqual({ ...valid, RotationToken: 'rt-abc' });
  });

  it.each([
    ['event', null],
    ['event', 'a string'],
    ['event', [valid]],
    ['Step', { ...valid, Step: undefined }],
    ['Step', { ...valid, Step: 'create_secret' }],
    ['Step', { ...valid, Step: 'CreateSecret' }],
    ['Step', { ...valid, Step: 7 }],
    ['SecretId', { ...valid, SecretId: undefined }],
    ['SecretId', { ...valid, SecretId: 42 }],
    ['SecretId', { ...valid, SecretId: '' }],
    ['SecretId', { ...valid, SecretId: 'a'.repeat(2049) }],
    ['SecretId', { ...valid, SecretId: 'app\ndb' }],
    ['SecretId', { ...valid, SecretId: 'app\u00e9' }],
    ['ClientRequestToken', { ...valid, ClientRequestToken: undefined }],
    ['ClientRequestToken', { ...valid, ClientRequestToken: 'a'.repeat(31) }],
    ['ClientRequestToken', { ...valid, ClientRequestToken: 'a'.repeat(65) }],
    ['ClientRequestToken', { ...valid, ClientRequestToken: `${TOKEN}\t` }],
    ['RotationToken', { ...valid, RotationToken: 5 }],
    ['RotationToken', { ...valid, RotationToken: '\u001b[31m' }],
  ])('names field %s of a bad event', (field, input) => {
    // Act
    const named = fieldOf(input);
    // Assess
    expect(named).toBe(field);
  });

  it('accepts SecretId of exactly 2048 and tokens of 32 and 64 characters', () => {
    // Prepare
    const inputs = [
      { ...valid, SecretId: 'a'.repeat(2048) },
      { ...valid, ClientRequestToken: 'b'.repeat(32) },
      { ...valid, ClientRequestToken: 'c'.repeat(64) },
    ];
    // Act
    const events = inputs.map(parseRotationEvent);
    // Assess
    expect(events).toEqual(inputs);
  });

  it('never throws anything but InvalidEventError, nor echoes a value (property)', () => {
    // Prepare
    const value = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.constantFrom(...ROTATION_STEPS, TOKEN),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.array(fc.string()),
      fc.object(),
    );
    const event = fc.record(
      { Step: value, SecretId: value, ClientRequestToken: value, RotationToken: value },
      { requiredKeys: [] },
    );
    const input = fc.oneof(event, value);
    // Act + Assess
    fc.assert(
      fc.property(input, (candidate) => {
        try {
          parseRotationEvent(candidate);
          return;
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEventError);
          const message = (error as Error).message;
          const values =
            typeof candidate === 'object' && candidate !== null
              ? Object.values(candidate)
              : [candidate];
          for (const v of values) {
            if (typeof v === 'string' && v.length >= 8 && !VOCABULARY.includes(v)) {
              expect(message).not.toContain(v);
            }
          }
          expect(message).toMatch(/^[ -~]+$/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
