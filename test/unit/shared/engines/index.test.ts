import { describe, expect, it, vi } from 'vitest';
import type { DbTarget } from '#shared/engines/engine.js';
import { SecretFormatError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';

// The real engine modules open drivers: stand-ins keep this a unit test, and count their imports.
const imported = vi.hoisted(() => ({ postgres: 0, mysql: 0 }));
const login = vi.hoisted(() => vi.fn(async () => undefined));
vi.mock('#shared/engines/postgres/engine.js', () => {
  imported.postgres += 1;
  return { postgresEngine: { name: 'postgres', maxUsernameLength: 63, login } };
});
vi.mock('#shared/engines/mysql/engine.js', () => {
  imported.mysql += 1;
  return {
    mysqlEngine: { name: 'mysql', maxUsernameLength: 32, login },
    mariadbEngine: { name: 'mariadb', maxUsernameLength: 80, login },
  };
});

const { engineFor } = await import('#shared/engines/index.js');

const target: DbTarget = { host: 'db', port: 5432, database: undefined, tls: 'require' };
const credentials = { username: 'app', password: new Sensitive('pw') };
const options = { connectTimeoutMs: 1000, caBundle: undefined };

describe('engineFor', () => {
  it.each([
    ['postgres', 'postgres', 63],
    ['aurora-postgresql', 'postgres', 63],
    ['mysql', 'mysql', 32],
    ['aurora-mysql', 'mysql', 32],
    ['mariadb', 'mariadb', 80],
  ])('maps %s to the %s engine', (field, name, maxUsernameLength) => {
    // Act
    const engine = engineFor(field);
    // Assess
    expect(engine.name).toBe(name);
    expect(engine.maxUsernameLength).toBe(maxUsernameLength);
  });

  it('refuses an engine Rotasync does not rotate', () => {
    // Act
    const run = () => engineFor('oracle');
    // Assess
    expect(run).toThrow(SecretFormatError);
  });

  it('imports an engine module (and its driver) on its first login only, once', async () => {
    // Prepare: choosing engines and reading their limits loads nothing.
    engineFor('postgres');
    engineFor('mariadb');
    expect(imported).toEqual({ postgres: 0, mysql: 0 });
    // Act
    await Promise.all([
      engineFor('postgres').login(target, credentials, options),
      engineFor('aurora-postgresql').login(target, credentials, options),
    ]);
    // Assess
    expect(imported).toEqual({ postgres: 1, mysql: 0 });
    expect(login).toHaveBeenCalledTimes(2);
    expect(login).toHaveBeenCalledWith(target, credentials, options);
  });
});
