/**
 * Planted leaks: a test puts a created value into a captured stream on purpose, in a chosen
 * encoding, and registers it here (its fingerprint, never the value). The final scan must find
 * each plant in that stream and encoding, else the run fails: proof, on every run, that the
 * scan sees what it claims to see.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TextStream } from '#local-cloud/taps.js';
import type { Encoding } from './encodings.js';
import { fingerprint } from './values.js';

const PLANTS_FILE = 'plants.jsonl';

/** A value planted on purpose, as the scan must find it. */
export interface Plant {
  /** The value's fingerprint under the run's key. */
  readonly value: string;
  readonly stream: TextStream;
  readonly encoding: Encoding;
  /** Who planted it (a test file's label). */
  readonly plantedBy: string;
}

/** Registers a plant in the run folder `dir`. */
export const registerPlant = async (
  dir: string,
  key: string,
  plant: { readonly value: string; readonly stream: TextStream; readonly encoding: Encoding },
  plantedBy: string,
): Promise<void> => {
  const registered: Plant = {
    value: fingerprint(key, plant.value),
    stream: plant.stream,
    encoding: plant.encoding,
    plantedBy,
  };
  await appendFile(join(dir, PLANTS_FILE), `${JSON.stringify(registered)}\n`);
};

/** Every plant registered in `dir` (none when nothing was planted). */
export const readPlants = async (dir: string): Promise<Plant[]> => {
  let text: string;
  try {
    text = await readFile(join(dir, PLANTS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Plant);
};
