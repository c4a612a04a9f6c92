/**
 * Durable JSON state for the local cloud. A write goes to a temporary file in the same folder,
 * is fsynced, then renamed over the target (and the folder fsynced), so a crash leaves either the
 * old or the new document, never a torn one. Writes are synchronous: the caller answers the
 * request only after the state is on disk, so nothing acknowledged is lost.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Reads and parses the JSON document at `file`; `undefined` when the file does not exist. */
export const readJsonState = (file: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text);
};

let tempCounter = 0;

/** Atomically replaces `file` with `document` as JSON, mode 0600 (it holds secret values). */
export const writeJsonStateAtomically = (file: string, document: unknown): void => {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true });
  tempCounter += 1;
  const temp = join(folder, `.${basename(file)}.${process.pid}.${tempCounter}.tmp`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(document));
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
  // The rename itself is durable only once the folder entry is flushed.
  try {
    const dirFd = openSync(folder, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  }
};
