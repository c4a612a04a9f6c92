import { describe, expect, it } from 'vitest';
import { redactSecrets } from '#shared/logger.js';
import { Sensitive } from '#shared/sensitive.js';

describe('redactSecrets', () => {
  it.each(['password', 'SecretString', 'SecretBinary', 'connectionString'])(
    'blanks the key %s at any depth',
    (key) => {
      // Prepare
      const line = { outer: { [key]: 'hunter2-value' }, [key]: 'hunter2-value' };
      // Act
      const text = JSON.stringify(line, redactSecrets);
      // Assess
      expect(text).not.toContain('hunter2-value');
      expect(text).toContain('[redacted]');
    },
  );

  it('prints Sensitive values as [redacted] and leaves other keys alone', () => {
    // Prepare
    const line = { secretId: 'app-db', token: new Sensitive('hunter2-value') };
    // Act
    const text = JSON.stringify(line, redactSecrets);
    // Assess
    expect(JSON.parse(text)).toEqual({ secretId: 'app-db', token: '[redacted]' });
  });
});
