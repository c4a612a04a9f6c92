/** What Rotasync keeps of a node-postgres error: its code and a message without secrets. */

/** The SQLSTATE (or errno code) of a driver error, when it has one. */
export const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * A copy of `error` safe to keep as a `cause`: message with every secret blanked, the SQLSTATE
 * or errno code kept, nothing else (no config objects, no driver internals).
 */
export const sanitizedCause = (error: unknown, secrets: readonly string[]): Error => {
  let message = error instanceof Error ? error.message : String(error);
  for (const secret of secrets) {
    if (secret.length > 0) message = message.replaceAll(secret, '[redacted]');
  }
  const cause = new Error(message);
  cause.name = error instanceof Error ? error.name : 'Error';
  const code = errorCode(error);
  if (code !== undefined) Object.assign(cause, { code });
  return cause;
};
