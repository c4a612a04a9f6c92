/**
 * The engine behind each `engine` value of a database secret. A Record over the engine names, so
 * an engine without a module is a compile error.
 *
 * Each engine's module (and its driver: `pg`, or `mysql2` with its character-set tables) is
 * imported on the engine's first login, not when the function starts: a cold start loads no
 * driver, and a function that only ever rotates PostgreSQL secrets never loads mysql2.
 */
import { SecretFormatError } from '#shared/errors.js';
import type { Engine, EngineName } from './engine.js';
import {
  engineNameOf,
  isSecretEngine,
  MAX_USERNAME_LENGTH,
  SECRET_ENGINES,
} from './secret-engines.js';

/** An Engine whose module `load` imports on its first login (once, however many logins wait). */
const lazyEngine = (name: EngineName, load: () => Promise<Engine>): Engine => {
  let loaded: Promise<Engine> | undefined;
  return {
    name,
    maxUsernameLength: MAX_USERNAME_LENGTH[name],
    login: async (target, credentials, options) => {
      loaded ??= load();
      return (await loaded).login(target, credentials, options);
    },
  };
};

const ENGINES: Record<EngineName, Engine> = {
  postgres: lazyEngine(
    'postgres',
    async () => (await import('./postgres/engine.js')).postgresEngine,
  ),
  mysql: lazyEngine('mysql', async () => (await import('./mysql/engine.js')).mysqlEngine),
  mariadb: lazyEngine('mariadb', async () => (await import('./mysql/engine.js')).mariadbEngine),
};

/**
 * The Engine for a secret's `engine` field. Throws SecretFormatError for an engine Rotasync does
 * not rotate.
 *
 * @example
 * engineFor('aurora-postgresql') // the PostgreSQL engine, its driver loaded on first login
 */
export const engineFor = (engineField: string): Engine => {
  if (!isSecretEngine(engineField)) {
    throw new SecretFormatError('engine', `is not one of ${SECRET_ENGINES.join(', ')}`);
  }
  return ENGINES[engineNameOf(engineField)];
};
