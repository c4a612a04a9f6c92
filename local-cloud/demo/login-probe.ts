/**
 * Tries logins the way an application would, to show which credentials work at each moment.
 * Each attempt is a real login to the real server, with TLS verified against the local CA.
 */
import { logsIn } from '#local-cloud/databases/clients.js';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';

/** Whether the credentials log in to the PostgreSQL server and can run a query. */
export const pgLogsIn = (server: RunningDatabaseInfo, username: string, password: string) =>
  logsIn(server, username, password);

/** What an application that reads AWSCURRENT before every login saw during a rotation. */
export interface WatchReport {
  readonly attempts: number;
  readonly refused: number;
}

/**
 * Until `stop()` is called: read AWSCURRENT, log in with it, again and again, as a busy
 * application does; counts the refusals.
 */
export const watchCurrentLogins = (
  readCurrent: () => Promise<{ username: string; password: string }>,
  logsIn: (username: string, password: string) => Promise<boolean>,
): { stop: () => Promise<WatchReport> } => {
  let running = true;
  let attempts = 0;
  let refused = 0;
  const loop = (async () => {
    while (running) {
      const current = await readCurrent();
      attempts += 1;
      if (!(await logsIn(current.username, current.password))) refused += 1;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { attempts, refused };
    },
  };
};
