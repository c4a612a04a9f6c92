/**
 * A capture session: subscribes to the local cloud's taps (local-cloud/taps.ts) and appends
 * everything put out, one file per stream, and every value learned, to a run folder. Each vitest
 * worker (one session per test file) and the global setup (the shared servers' logs) write their
 * own files, named after a label, so parallel workers never share a file; the final scan reads
 * them all (scan.ts).
 *
 * Files: `<label>.<stream>.log` holds one line per line put out, as `[<source>] <line>`;
 * `<label>.values.jsonl` one `{"origin", "value"}` per value (mode 0600; removed after the scan).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type TappedText,
  type TappedValue,
  TEXT_CHANNEL,
  type TextStream,
  tapText,
  VALUE_CHANNEL,
} from '#local-cloud/taps.js';

/** Buffered output is written once it passes this size, and at every flush. */
const FLUSH_BYTES = 1 << 20;

export const VALUES_SUFFIX = '.values.jsonl';
export const STREAM_SUFFIX = '.log';

export interface CaptureSession {
  readonly dir: string;
  readonly label: string;
  /**
   * Stops (false) or resumes (true) learning values, while text is still captured: for a fuzzer
   * whose random strings are stored as values and also sent as names, which are not credentials.
   */
  learnValues(learn: boolean): void;
  /** Writes what is buffered. */
  flush(): void;
  /** Flushes and stops listening. */
  stop(): void;
}

/** A label usable in a file name: letters, digits, `_` and `-` only (no dots: see scan.ts). */
export const labelFor = (name: string): string => name.replace(/[^A-Za-z0-9_-]+/g, '_');

/** Starts capturing into `dir` under `label` (see labelFor). */
export const startCapture = (dir: string, label: string): CaptureSession => {
  const buffers = new Map<string, string[]>();
  let buffered = 0;

  const add = (file: string, text: string): void => {
    const buffer = buffers.get(file);
    if (buffer) buffer.push(text);
    else buffers.set(file, [text]);
    buffered += text.length;
    if (buffered > FLUSH_BYTES) flush();
  };

  const flush = (): void => {
    for (const [file, parts] of buffers) {
      appendFileSync(join(dir, file), parts.join(''), { mode: 0o600 });
    }
    buffers.clear();
    buffered = 0;
  };

  const onText = (message: unknown): void => {
    const { stream, source, text } = message as TappedText;
    const file = `${label}.${stream}${STREAM_SUFFIX}`;
    // Most texts are one line (a log line, a JSON record): no splitting for them.
    if (!text.includes('\n')) {
      if (text.length > 0) add(file, `[${source}] ${text}\n`);
      return;
    }
    const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
    add(file, lines.map((line) => `[${source}] ${line}\n`).join(''));
  };

  let learning = true;
  const onValue = (message: unknown): void => {
    if (!learning) return;
    const { origin, value } = message as TappedValue;
    add(`${label}${VALUES_SUFFIX}`, `${JSON.stringify({ origin, value })}\n`);
  };

  subscribe(TEXT_CHANNEL, onText);
  subscribe(VALUE_CHANNEL, onValue);
  // Lines that arrive after the last hook (a function's last words at exit) still count.
  process.on('exit', flush);

  return {
    dir,
    label,
    learnValues: (learn) => {
      learning = learn;
    },
    flush,
    stop: () => {
      unsubscribe(TEXT_CHANNEL, onText);
      unsubscribe(VALUE_CHANNEL, onValue);
      process.off('exit', flush);
      flush();
    },
  };
};

/** What tapWrites needs of a stream: its `write`, replaced while tapped. */
export interface WritableLike {
  write: (...args: never[]) => boolean;
}

/**
 * Taps every write to `stream` (a process's stdout or stderr) as `test-process-output`, then
 * writes as before; returns the function that puts the original `write` back.
 */
export const tapWrites = (stream: WritableLike, source: string): (() => void) => {
  const write = stream.write;
  stream.write = function tappedWrite(this: unknown, ...args: never[]) {
    const [chunk] = args as unknown[];
    tapText('test-process-output', source, () =>
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
    );
    return write.apply(this, args);
  };
  return () => {
    stream.write = write;
  };
};

/** The streams a capture can hold, for reports. */
export type { TextStream };
