import { describe, expect, it, vi } from 'vitest';
import { SecretFormatError } from '#shared/errors.js';

// The real engine modules are other helpers' work and open drivers: stand-ins keep this a unit test.
vi.mock('#shared/engines/postgres/engine.js', () => ({ postgresEngine: { name: 'postgres' } }));
vi.mock('#shared/engines/mysql/engine.js', () => ({
  mysqlEngine: { name: 'mysql' },
  mariadbEngine: { name: 'mariadb' },
}));

const { engineFor } = await import('#shared/engines/index.js');

describe('engineFor', () => {
  it.each([
    ['postgres', 'postgres'],
    ['aurora-postgresql', 'postgres'],
    ['mysql', 'mysql'],
    ['aurora-mysql', 'mysql'],
    ['mariadb', 'mariadb'],
  ])('maps %s to the %s engine', (field, name) => {
    // Act
    const engine = engineFor(field);
    // Assess
    expect(engine.name).toBe(name);
  });

  it('refuses an engine Rotasync does not rotate', () => {
    // Act
    const run = () => engineFor('oracle');
    // Assess
    expect(run).toThrow(SecretFormatError);
  });
});
