/**
 * The scan: reads every value file and stream file of a run folder (capture.ts), and searches
 * every captured line for every value in every encoded form. A finding names the stream, the
 * capture file, the line and column, the line's source, the value's fingerprint and origin and
 * the encoding; never the value. Findings of values planted on purpose (plants.ts) are not
 * violations: they prove the scan sees that stream, and a plant not found fails the run.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STREAM_SUFFIX, VALUES_SUFFIX } from './capture.js';
import { type Encoding, encodedForms } from './encodings.js';
import { type Plant, readPlants } from './plants.js';
import { NeedleSet, WINDOW } from './search.js';
import { fingerprint, isScanned, type LearnedValue, learnValues, VALUE_FLOOR } from './values.js';

/** One occurrence of a value in captured text. */
export interface Finding {
  readonly stream: string;
  /** The capture file (in the run folder); its label names the test file. */
  readonly file: string;
  /** 1-based line and column of the occurrence in the capture file. */
  readonly line: number;
  readonly column: number;
  /** What put the line out: a function and Region, a server's log, a Region. */
  readonly source: string;
  /** The value's fingerprint (values.ts), never the value. */
  readonly value: string;
  readonly origin: string;
  readonly encoding: Encoding;
}

/** Figures per stream. */
export interface StreamFigures {
  readonly files: number;
  readonly lines: number;
  readonly bytes: number;
}

export interface ScanReport {
  /** Distinct values searched for (at least VALUE_FLOOR characters). */
  readonly values: number;
  /** Distinct values learned but too short to scan. */
  readonly belowFloor: number;
  readonly floor: number;
  /** Encoded forms searched for (every value's distinct forms). */
  readonly needles: number;
  readonly streams: Readonly<Record<string, StreamFigures>>;
  readonly lines: number;
  readonly bytes: number;
  /** Every occurrence found, plants included. */
  readonly findings: readonly Finding[];
  /** Findings that are not plants: must be empty. */
  readonly violations: readonly Finding[];
  /** Plants expected (plants.ts) and those the scan did not find where planted. */
  readonly plants: { readonly expected: number; readonly missing: readonly Plant[] };
  readonly durationMs: number;
}

export interface ScanOptions {
  /** The run's fingerprint key (values.ts). */
  readonly key: string;
  /** Scans only the files of labels this accepts (a test scanning its own capture). */
  readonly labels?: (label: string) => boolean;
}

interface Needle {
  readonly text: string;
  readonly value: LearnedValue;
  readonly encoding: Encoding;
}

const labelOf = (file: string): string => file.slice(0, file.indexOf('.'));

/** Reads the learned values of the run, distinct, first origin kept. */
const readValues = async (dir: string, files: readonly string[]): Promise<LearnedValue[]> => {
  const byValue = new Map<string, LearnedValue>();
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      for (const learned of learnValues(JSON.parse(line) as { origin: string; value: string })) {
        if (!byValue.has(learned.value)) byValue.set(learned.value, learned);
      }
    }
  }
  return [...byValue.values()];
};

/** The offsets at which each line of `text` starts. */
const lineStarts = (text: string): number[] => {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
};

/** The index of the last start ≤ offset. */
const lineIndexOf = (starts: readonly number[], offset: number): number => {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
};

const SOURCE = /^\[([^\]]*)\] /;

/**
 * `text` with every value found in it replaced by `[value]`: an origin names a secret, and a
 * secret's name may itself be a value (the planted-leak test names one so).
 */
const scrub = (text: string, needles: NeedleSet<Needle>): string => {
  const spans: [number, number][] = [];
  for (const { needle, offset } of needles.find(text)) {
    const end = offset + needle.text.length;
    const last = spans.at(-1);
    if (last && offset <= last[1]) last[1] = Math.max(last[1], end);
    else spans.push([offset, end]);
  }
  let out = '';
  let cursor = 0;
  for (const [start, end] of spans) {
    out += `${text.slice(cursor, start)}[value]`;
    cursor = end;
  }
  return out + text.slice(cursor);
};

/** Scans the run folder `dir`. */
export const scanRun = async (dir: string, options: ScanOptions): Promise<ScanReport> => {
  const started = Date.now();
  const accepts = options.labels ?? (() => true);
  const files = (await readdir(dir)).filter((file) => accepts(labelOf(file))).sort();
  const learned = await readValues(
    dir,
    files.filter((file) => file.endsWith(VALUES_SUFFIX)),
  );
  const scanned = learned.filter((value) => isScanned(value.value));
  const needles: Needle[] = scanned.flatMap((value) =>
    encodedForms(value.value, WINDOW).map((form) => ({ ...form, value })),
  );
  const needleSet = new NeedleSet(needles);
  const fingerprints = new Map(
    scanned.map((value) => [value, fingerprint(options.key, value.value)]),
  );

  const streams: Record<string, { files: number; lines: number; bytes: number }> = {};
  const findings: Finding[] = [];
  let totalLines = 0;
  let totalBytes = 0;
  for (const file of files.filter((name) => name.endsWith(STREAM_SUFFIX))) {
    const stream = file.slice(file.indexOf('.') + 1, -STREAM_SUFFIX.length);
    const text = await readFile(join(dir, file), 'utf8');
    const starts = lineStarts(text);
    const lines = text.endsWith('\n') ? starts.length - 1 : starts.length;
    const bytes = Buffer.byteLength(text);
    const figures = streams[stream] ?? { files: 0, lines: 0, bytes: 0 };
    streams[stream] = figures;
    figures.files += 1;
    figures.lines += lines;
    figures.bytes += bytes;
    totalLines += lines;
    totalBytes += bytes;
    // One finding per line, value and form, however often the line repeats it.
    const reported = new Set<string>();
    for (const { needle, offset } of needleSet.find(text)) {
      const index = lineIndexOf(starts, offset);
      const key = `${index}:${needle.encoding}:${needle.value.value}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const start = starts[index] ?? 0;
      const end = text.indexOf('\n', start);
      const lineText = end === -1 ? text.slice(start) : text.slice(start, end);
      findings.push({
        stream,
        file,
        line: index + 1,
        column: offset - start + 1,
        source: scrub(SOURCE.exec(lineText)?.[1] ?? '', needleSet),
        value: fingerprints.get(needle.value) ?? '',
        origin: scrub(needle.value.origin, needleSet),
        encoding: needle.encoding,
      });
    }
  }

  // A scan of some labels only cannot tell where plants of other labels went: it checks none.
  const plants = options.labels === undefined ? await readPlants(dir) : [];
  const planted = new Set(plants.map((plant) => plant.value));
  const missing = plants.filter(
    (plant) =>
      !findings.some(
        (finding) =>
          finding.value === plant.value &&
          finding.stream === plant.stream &&
          finding.encoding === plant.encoding,
      ),
  );
  return {
    values: scanned.length,
    belowFloor: learned.length - scanned.length,
    floor: VALUE_FLOOR,
    needles: needleSet.size,
    streams,
    lines: totalLines,
    bytes: totalBytes,
    findings,
    violations: findings.filter((finding) => !planted.has(finding.value)),
    plants: { expected: plants.length, missing },
    durationMs: Date.now() - started,
  };
};
