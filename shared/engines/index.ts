/**
 * The engine behind each `engine` value of a database secret. A Record, so a value without an
 * engine is a compile error.
 */
import { SecretFormatError } from '#shared/errors.js';
import { SECRET_ENGINES, type SecretEngine } from '#shared/inputs/database-secret.js';
import type { Engine } from './engine.js';
import { mariadbEngine, mysqlEngine } from './mysql.js';
import { postgresEngine } from './postgres.js';

const ENGINES: Record<SecretEngine, Engine> = {
  postgres: postgresEngine,
  'aurora-postgresql': postgresEngine,
  mysql: mysqlEngine,
  'aurora-mysql': mysqlEngine,
  mariadb: mariadbEngine,
};

const isSecretEngine = (value: string): value is SecretEngine =>
  (SECRET_ENGINES as readonly string[]).includes(value);

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
  return ENGINES[engineField];
};
