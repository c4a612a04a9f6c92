/**
 * The leak scan over a run folder written by a real capture session from the local cloud's taps:
 * each encoding found, locations named, the floor, JSON credential fields, plants, and reports
 * that never hold a value.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TextStream, tapText, tapValue } from '#local-cloud/taps.js';
import { startCapture, tapWrites, type WritableLike } from '#test/harness/leak-scan/capture.js';
import { type Encoding, encodedForms } from '#test/harness/leak-scan/encodings.js';
import { registerPlant } from '#test/harness/leak-scan/plants.js';
import { formatSummary } from '#test/harness/leak-scan/report.js';
import { scanRun } from '#test/harness/leak-scan/scan.js';
import { fingerprint } from '#test/harness/leak-scan/values.js';

const KEY = 'unit-test-key';
/**
 * Characters that make every encoding differ from the raw text (quote, backslash, space, /, +, é),
 * and base64url differ from base64 at every offset (`~?>ÿ`).
 */
const VALUE = 'p@ss w"rd\\/+?&-~?>ÿ-0123456789é';
const dirs: string[] = [];

/** A run folder with one capture session (`label`) that saw what `act` tapped. */
const captured = async (act: () => void | Promise<void>, label = 'unit'): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'rotasync-leak-scan-unit-'));
  dirs.push(dir);
  const session = startCapture(dir, label);
  try {
    await act();
  } finally {
    session.stop();
  }
  return dir;
};

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const base64After = (prefix: string, value: string, url = false): string => {
  const encoded = Buffer.from(`${prefix}${value}`).toString(url ? 'base64url' : 'base64');
  return `blob ${encoded} end`;
};

const ENCODED: readonly [string, Encoding, (value: string) => string][] = [
  ['as it is', 'raw', (value) => `connecting with ${value} now`],
  ['in a JSON log line', 'json', (value) => JSON.stringify({ message: value })],
  [
    'in JSON logged inside JSON',
    'json-in-json',
    (value) => JSON.stringify({ line: JSON.stringify({ message: value }) }),
  ],
  ['in a URL', 'url', (value) => `GET https://db/?password=${encodeURIComponent(value)}`],
  ['in a form body', 'url', (value) => `body ${new URLSearchParams({ password: value })}`],
  ['in base64 at offset 0', 'base64', (value) => base64After('', value)],
  ['in base64 at offset 1', 'base64', (value) => base64After('a', value)],
  ['in base64 at offset 2', 'base64', (value) => base64After('ab', value)],
  ['in base64url at offset 0', 'base64url', (value) => base64After('', value, true)],
  ['in base64url at offset 1', 'base64url', (value) => base64After('a', value, true)],
  ['in base64url at offset 2', 'base64url', (value) => base64After('ab', value, true)],
];

describe('scanRun', () => {
  it.each(ENCODED)('finds a value %s', async (_how, encoding, encode) => {
    // Prepare
    const dir = await captured(() => {
      tapValue('secret app', VALUE);
      tapText('function-output', 'rotate in us-east-1', () => encode(VALUE));
    });
    // Act
    const report = await scanRun(dir, { key: KEY });
    // Assess
    expect(report.violations.map((finding) => finding.encoding)).toEqual([encoding]);
  });

  it('names the stream, file, line, column, source, fingerprint and origin', async () => {
    // Prepare
    const dir = await captured(() => {
      tapValue('secret app version 1', VALUE);
      tapText('function-reply', 'drill in us-west-2', () => 'first line\nsecond line');
      tapText('function-reply', 'drill in us-west-2', () => `leaked: ${VALUE}`);
    });
    // Act
    const report = await scanRun(dir, { key: KEY });
    // Assess
    expect(report.violations).toEqual([
      {
        stream: 'function-reply',
        file: 'unit.function-reply.log',
        line: 3,
        column: '[drill in us-west-2] leaked: '.length + 1,
        source: 'drill in us-west-2',
        value: fingerprint(KEY, VALUE),
        origin: 'secret app version 1',
        encoding: 'raw',
      },
    ]);
    expect(report.streams).toEqual({
      'function-reply': { files: 1, lines: 3, bytes: expect.any(Number) },
    });
  });

  it('learns the password inside a JSON secret, and skips values under the floor', async () => {
    // Prepare
    const secret = JSON.stringify({ username: 'app', password: 'Pa55-word-0123', port: '5432' });
    const dir = await captured(() => {
      tapValue('secret app', secret);
      tapValue('test helper', 'short12');
      tapText('event', 'us-east-1', () => '{"detail":{"user":"app","note":"Pa55-word-0123"}}');
      tapText('event', 'us-east-1', () => 'short12 appears, and that is not a leak');
    });
    // Act
    const report = await scanRun(dir, { key: KEY });
    // Assess
    expect(report.violations.map((finding) => finding.origin)).toEqual([
      'secret app, field password',
    ]);
    expect(report.values).toBe(2);
    expect(report.belowFloor).toBe(1);
  });

  it('finds nothing when no value was put out', async () => {
    // Prepare
    const dir = await captured(() => {
      tapValue('secret app', VALUE);
      tapText('request-log', 'us-east-1', () => '{"operation":"GetSecretValue","secretId":"app"}');
    });
    // Act
    const report = await scanRun(dir, { key: KEY });
    // Assess
    expect(report.violations).toEqual([]);
    expect(report.lines).toBe(1);
  });

  it('counts a plant found where planted as no violation, and reports a plant not found', async () => {
    // Prepare
    const hidden = 'planted-but-never-printed-42';
    const dir = await captured(() => {
      tapValue('plant', VALUE);
      tapValue('plant', hidden);
      tapText('database-log', 'postgres.log', () => `FATAL: user "${VALUE}"`);
    });
    const plant = (value: string, stream: TextStream) =>
      registerPlant(dir, KEY, { value, stream, encoding: 'raw' }, 'unit');
    await plant(VALUE, 'database-log');
    await plant(hidden, 'database-log');
    // Act
    const report = await scanRun(dir, { key: KEY });
    // Assess
    expect(report.violations).toEqual([]);
    expect(report.findings).toHaveLength(1);
    expect(report.plants.expected).toBe(2);
    expect(report.plants.missing.map((missing) => missing.value)).toEqual([
      fingerprint(KEY, hidden),
    ]);
  });

  it('scans only the labels asked for', async () => {
    // Prepare
    const dir = await captured(() => {
      tapValue('secret', VALUE);
      tapText('function-output', 'rotate', () => VALUE);
    }, 'other');
    // Act
    const report = await scanRun(dir, { key: KEY, labels: (label) => label === 'mine' });
    // Assess
    expect(report.values).toBe(0);
    expect(report.lines).toBe(0);
  });

  it('never puts a value in its summary, even one that is also a secret name', async () => {
    // Prepare
    const dir = await captured(() => {
      tapValue(`arn:aws:secretsmanager:us-east-1:1:secret:${VALUE}-AbCdEf version 1`, VALUE);
      tapText('api-call', 'us-east-1', () => JSON.stringify({ request: { Name: VALUE } }));
    });
    // Act
    const summary = formatSummary(await scanRun(dir, { key: KEY }));
    // Assess
    expect(summary).toContain('1 violations');
    expect(summary).toContain('secret:[value]-AbCdEf');
    for (const form of encodedForms(VALUE, 1)) expect(summary).not.toContain(form.text);
  });
});

describe('tapWrites', () => {
  it('captures what a process stream is given, still writes it, and lets go', async () => {
    // Prepare
    const written: unknown[] = [];
    const stream = {
      write: (chunk: unknown) => {
        written.push(chunk);
        return true;
      },
    };
    const dir = await captured(() => {
      tapValue('secret', VALUE);
      const untap = tapWrites(stream as WritableLike, 'worker stdout');
      // Act
      stream.write(`{"level":"INFO","message":"${VALUE}"}\n`);
      stream.write(Buffer.from(`bytes ${VALUE}\n`));
      untap();
      stream.write(`after ${VALUE}\n`);
    });
    const report = await scanRun(dir, { key: KEY });
    // Assess
    expect(written).toHaveLength(3);
    expect(report.violations.map((finding) => [finding.stream, finding.line])).toEqual([
      ['test-process-output', 1],
      ['test-process-output', 2],
    ]);
  });
});

describe('startCapture', () => {
  it('learns no values while told not to, and captures text meanwhile', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'rotasync-leak-scan-unit-'));
    dirs.push(dir);
    const session = startCapture(dir, 'unit');
    // Act
    session.learnValues(false);
    tapValue('fuzz input', 'toString-fuzzed');
    session.learnValues(true);
    tapValue('secret', VALUE);
    tapText('request-log', 'us-east-1', () => `toString-fuzzed ${VALUE}`);
    session.stop();
    const report = await scanRun(dir, { key: KEY });
    // Assess
    expect(report.values).toBe(1);
    expect(report.violations.map((finding) => finding.origin)).toEqual(['secret']);
  });

  it('captures nothing after it stops, and writes one file per stream plus the values', async () => {
    // Prepare
    const dir = await captured(() => {
      tapValue('secret', VALUE);
      tapText('function-output', 'rotate', () => 'during');
    });
    // Act
    tapText('function-output', 'rotate', () => VALUE);
    const report = await scanRun(dir, { key: KEY });
    // Assess
    expect(report.violations).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['unit.function-output.log', 'unit.values.jsonl']);
  });
});
