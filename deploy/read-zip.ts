/**
 * Reads the files of a function's deployment package (the zip `serverless package` writes), so
 * tests and `npm run bench` can look inside and run what Lambda would run, without an unzip
 * program. Handles what osls writes: stored or deflated entries, no ZIP64, no encryption.
 * https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (sections 4.3.7, 4.3.12, 4.3.16)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** One file of a zip: its path inside the package and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Buffer;
  /** Bytes it takes in the zip (compressed). */
  readonly compressedSize: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/** Every file (not directory) in the zip at `zipPath`. Throws on a format it does not handle. */
const readZip = (zipPath: string): ZipEntry[] => {
  const zip = readFileSync(zipPath);
  // The end record sits in the last 22 bytes plus a comment of at most 65,535.
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 65_535); at -= 1) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error(`${zipPath} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new Error(`${zipPath}: bad directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const path = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (path.endsWith('/')) continue;
    if (zip.readUInt32LE(localAt) !== LOCAL_FILE_HEADER) throw new Error(`${zipPath}: bad entry`);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const raw = zip.subarray(dataAt, dataAt + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`${zipPath}: ${path} uses method ${method}`);
    entries.push({ path, data: method === 8 ? inflateRawSync(raw) : raw, compressedSize });
  }
  return entries;
};

/** Writes every file of the zip under `directory`, as Lambda unpacks a package into /var/task. */
export const extractZip = (zipPath: string, directory: string): ZipEntry[] => {
  const entries = readZip(zipPath);
  for (const entry of entries) {
    const target = normalize(join(directory, entry.path));
    if (!target.startsWith(normalize(directory) + sep)) {
      throw new Error(`${zipPath}: ${entry.path} would land outside ${directory}`);
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.data);
  }
  return entries;
};
