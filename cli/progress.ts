/**
 * Progress for people, on stderr only: one line rewritten in place on a terminal, or one line per
 * update when asked for with --progress elsewhere (a CI log). Off with --no-progress, and off by
 * default when stderr is not a terminal, so scripts see nothing they did not ask for.
 */
import type { CliIo } from './io.js';

export interface Progress {
  /** Shows `text` as the current state. */
  update(text: string): void;
  /** Clears the in-place line (on a terminal) before results are printed. */
  end(): void;
}

const silentProgress: Progress = { update: () => undefined, end: () => undefined };

/** A Progress writing to `io.stderr`, or a silent one when `enabled` is false. */
export const createProgress = (io: CliIo, enabled: boolean): Progress => {
  if (!enabled) return silentProgress;
  const inPlace = io.stderr.isTTY;
  let shown = false;
  return {
    update: (text) => {
      if (inPlace) {
        io.stderr.write(`\r\u001b[K${text}`);
        shown = true;
      } else {
        io.stderr.write(`${text}\n`);
      }
    },
    end: () => {
      if (inPlace && shown) io.stderr.write('\r\u001b[K');
      shown = false;
    },
  };
};
