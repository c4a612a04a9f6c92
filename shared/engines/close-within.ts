/**
 * Ends a database session without waiting on a server that stopped answering: the drivers end a
 * session by sending a goodbye and waiting for the server to close the connection (mysql2 even
 * queues it behind a statement that timed out), which such a server never does.
 */

/** How long a session's end may wait for the server before its connection is dropped. */
export const CLOSE_WAIT_MS = 1_000;

/**
 * Runs `end` and, unless it settles within `waitMs`, calls `destroy`. Never rejects.
 *
 * @example
 * await closeWithin(() => client.end(), () => client.connection.stream.destroy());
 */
export const closeWithin = async (
  end: () => Promise<unknown>,
  destroy: () => void,
  waitMs: number = CLOSE_WAIT_MS,
): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const ended = end().then(
    () => true,
    () => false,
  );
  const waited = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
  });
  const closed = await Promise.race([ended, waited]);
  clearTimeout(timer);
  if (!closed) destroy();
};
