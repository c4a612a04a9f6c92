/**
 * What Rotasync reads of a mysql2 error: the server's error number, and a message that can
 * never carry a password. Error numbers:
 * https://dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html
 */

export const ER_DBACCESS_DENIED = 1044;
export const ER_ACCESS_DENIED = 1045;
export const ER_PARSE_ERROR = 1064;
export const ER_TABLEACCESS_DENIED = 1142;
export const ER_COLUMNACCESS_DENIED = 1143;
export const ER_NO_SUCH_TABLE = 1146;
export const ER_SPECIFIC_ACCESS_DENIED = 1227;
export const ER_SP_DOES_NOT_EXIST = 1305;
export const ER_CANNOT_USER = 1396;
export const ER_ACCESS_DENIED_NO_PASSWORD = 1698;

/** The fields of a mysql2 error we read; every one is optional. */
interface DriverError {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly sqlState?: unknown;
  readonly sqlMessage?: unknown;
  readonly message?: unknown;
  readonly fatal?: unknown;
}

const asDriverError = (error: unknown): DriverError =>
  typeof error === 'object' && error !== null ? (error as DriverError) : {};

/** The server's error number, when `error` carries one. */
export const errnoOf = (error: unknown): number | undefined => {
  const errno = asDriverError(error).errno;
  return typeof errno === 'number' ? errno : undefined;
};

/** The driver's error code (`ER_CANNOT_USER`, `ECONNRESET`), when `error` carries one. */
export const codeOf = (error: unknown): string | undefined => {
  const code = asDriverError(error).code;
  return typeof code === 'string' ? code : undefined;
};

/** True when the driver says the connection is gone (not only the statement failed). */
export const isFatal = (error: unknown): boolean => asDriverError(error).fatal === true;

/**
 * A fresh Error holding only the driver's code, errno, SQL state and (unless `withMessage` is
 * false) its message with every `secret` cut out. mysql2 errors carry the statement text
 * (`sql`), which may hold a password: the original error is never kept as a cause.
 */
export const sanitizedCause = (
  error: unknown,
  secrets: readonly string[],
  withMessage: boolean,
): Error => {
  const driver = asDriverError(error);
  const code = codeOf(error) ?? 'UNKNOWN';
  const errno = typeof driver.errno === 'number' ? ` (${driver.errno})` : '';
  let text = '';
  if (withMessage) {
    const raw = typeof driver.sqlMessage === 'string' ? driver.sqlMessage : driver.message;
    text = typeof raw === 'string' ? raw : '';
    // A syntax error quotes the statement after "near": never echo that part.
    const near = text.indexOf(" near '");
    if (near >= 0) text = text.slice(0, near);
    for (const secret of secrets) {
      if (secret.length > 0) text = text.split(secret).join('[redacted]');
    }
  }
  return new Error(`${code}${errno}${text ? `: ${text}` : ''}`);
};
