import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSecretChangeEvent } from '#shared/inputs/secret-change-event.js';

const sample = JSON.parse(
  readFileSync(
    new URL('../../../../events/replicate-put-secret-value.json', import.meta.url),
    'utf8',
  ),
) as { detail: Record<string, unknown> };

describe('parseSecretChangeEvent: API call names like Object.prototype members', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'ignores eventName %s as a call that changes nothing replication copies',
    (eventName) => {
      // Prepare
      const event = { ...sample, detail: { ...sample.detail, eventName } };
      // Act
      const parsed = parseSecretChangeEvent(event);
      // Assess
      expect(parsed).toEqual({
        outcome: 'ignored',
        reason: `${eventName} does not change what replication copies`,
      });
    },
  );
});
