/**
 * The request log: one entry per request (faulted and invalid ones included), never a value.
 * Choice: it keeps the most recent 100,000 entries, so a long benchmark cannot exhaust memory.
 */
import { tapText } from './taps.js';
import type { RequestLog, RequestLogEntry } from './types.js';

export const REQUEST_LOG_CAPACITY = 100_000;

export interface RequestLogWriter extends RequestLog {
  record(entry: RequestLogEntry): void;
}

export const createRequestLog = (capacity: number = REQUEST_LOG_CAPACITY): RequestLogWriter => {
  let entries: RequestLogEntry[] = [];
  return {
    entries: () => entries.slice(),
    clear() {
      entries = [];
    },
    record(entry) {
      tapText('request-log', entry.region, () => JSON.stringify(entry));
      entries.push(entry);
      // Trim in batches: one copy per `capacity` entries rather than a shift per request.
      if (entries.length > capacity * 2) entries = entries.slice(-capacity);
    },
  };
};
