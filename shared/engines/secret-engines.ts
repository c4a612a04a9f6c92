/**
 * The `engine` values of a database secret that Rotasync rotates, as RDS and the official
 * rotation templates write them, the engine behind each, and each engine's defaults: the one
 * place both the secret parser and the engines learn them.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html
 */
import type { EngineName } from './engine.js';

// Aurora's names map onto the engine whose protocol it speaks.
const ENGINE_OF = {
  postgres: 'postgres',
  'aurora-postgresql': 'postgres',
  mysql: 'mysql',
  'aurora-mysql': 'mysql',
  mariadb: 'mariadb',
} as const satisfies Record<string, EngineName>;

/** An `engine` value Rotasync rotates. */
export type SecretEngine = keyof typeof ENGINE_OF;

/** Every `engine` value Rotasync rotates, in the order error messages list them. */
export const SECRET_ENGINES = Object.keys(ENGINE_OF) as readonly SecretEngine[];

/** True when `value` is an `engine` value Rotasync rotates. */
export const isSecretEngine = (value: string): value is SecretEngine =>
  Object.hasOwn(ENGINE_OF, value);

/**
 * The engine that rotates a secret's `engine` value.
 *
 * @example
 * engineNameOf('aurora-mysql') // 'mysql'
 */
export const engineNameOf = (engine: SecretEngine): EngineName => ENGINE_OF[engine];

/** What a secret may leave out. */
export interface EngineDefaults {
  readonly port: number;
  /** The database opened when the secret names none; `undefined`: none (MySQL opens no schema). */
  readonly database: string | undefined;
}

/** The official templates' defaults: PostgreSQL 5432 opening `postgres`, MySQL 3306 and no schema. */
export const ENGINE_DEFAULTS: Readonly<Record<EngineName, EngineDefaults>> = {
  postgres: { port: 5432, database: 'postgres' },
  mysql: { port: 3306, database: undefined },
  mariadb: { port: 3306, database: undefined },
};

/**
 * Each engine's real limit on user names, checked before anything is written. Here rather than
 * in the engine modules, so the engine index knows it without loading a database driver.
 * - PostgreSQL: NAMEDATALEN - 1, in bytes: a longer name is silently truncated by the server.
 * - MySQL 5.7.8+ and 8.x: 32 characters.
 * - MariaDB: 80 characters, the limit of MariaDB 5.5 to 10.5 (`mysql.user.User` is char(80)
 *   there). 10.6+ accepts 128 (the 10.11 test server's column is char(128)); 80 keeps a clone
 *   name valid on every MariaDB version RDS runs.
 */
export const MAX_USERNAME_LENGTH: Readonly<Record<EngineName, number>> = {
  postgres: 63,
  mysql: 32,
  mariadb: 80,
};
