/**
 * The engine behind each `engine` value of a database secret. A Record over the engine names, so
 * an engine without a module is a compile error.
 */
import { SecretFormatError } from '#shared/errors.js';
import type { Engine, EngineName } from './engine.js';
import { mariadbEngine, mysqlEngine } from './mysql/engine.js';
import { postgresEngine } from './postgres/engine.js';
import { engineNameOf, isSecretEngine, SECRET_ENGINES } from './secret-engines.js';

const ENGINES: Record<EngineName, Engine> = {
  postgres: postgresEngine,
  mysql: mysqlEngine,
  mariadb: mariadbEngine,
};

/**
 * The Engine for a secret's `engine` field. Throws SecretFormatError for an engine Rotasync does
 * not rotate.
 *
 * @example
 * engineFor('aurora-postgresql') // postgresEngine
 */
export const engineFor = (engineField: string): Engine => {
  if (!isSecretEngine(engineField)) {
    throw new SecretFormatError('engine', `is not one of ${SECRET_ENGINES.join(', ')}`);
  }
  return ENGINES[engineNameOf(engineField)];
};
