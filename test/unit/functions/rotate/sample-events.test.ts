import { describe, expect, it } from 'vitest';
import { parseRotationEvent, ROTATION_STEPS } from '#shared/inputs/rotation-event.js';
import { readProjectFile } from '#test/helpers/project-files.js';

const fileOf = (step: string): string => `events/rotate-${step.replace('Secret', '')}-secret.json`;

describe('events/rotate-*.json', () => {
  it.each(ROTATION_STEPS)('holds a valid %s invocation', (step) => {
    // Prepare
    const raw: unknown = JSON.parse(readProjectFile(fileOf(step)));
    // Act
    const event = parseRotationEvent(raw);
    // Assess
    expect(event.Step).toBe(step);
  });
});
