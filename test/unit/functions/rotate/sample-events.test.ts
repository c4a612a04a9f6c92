import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRotationEvent, ROTATION_STEPS } from '#shared/inputs/rotation-event.js';

const fileOf = (step: string): string =>
  new URL(`../../../../events/rotate-${step.replace('Secret', '')}-secret.json`, import.meta.url)
    .pathname;

describe('events/rotate-*.json', () => {
  it.each(ROTATION_STEPS)('holds a valid %s invocation', (step) => {
    // Prepare
    const raw: unknown = JSON.parse(readFileSync(fileOf(step), 'utf8'));
    // Act
    const event = parseRotationEvent(raw);
    // Assess
    expect(event.Step).toBe(step);
  });
});
