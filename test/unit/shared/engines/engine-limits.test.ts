import { describe, expect, it } from 'vitest';
import { engineFor } from '#shared/engines/index.js';
import { mariadbEngine, mysqlEngine } from '#shared/engines/mysql/engine.js';
import { postgresEngine } from '#shared/engines/postgres/engine.js';

describe('the engine index, before any driver is loaded', () => {
  it.each([
    ['postgres', postgresEngine],
    ['mysql', mysqlEngine],
    ['mariadb', mariadbEngine],
  ])('knows the %s engine by the same name and user name limit as its module', (field, real) => {
    // Act
    const lazy = engineFor(field);
    // Assess
    expect([lazy.name, lazy.maxUsernameLength]).toEqual([real.name, real.maxUsernameLength]);
  });
});
