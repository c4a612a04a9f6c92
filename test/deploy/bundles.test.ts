/**
 * The bundles as packaged run: each function's zip, unpacked as Lambda unpacks it, loads in a
 * fresh Node (ES modules, code split into chunks), every chunk evaluates (the database drivers'
 * included), and the handler answers; `serverless invoke local` still loads and runs a handler.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { extractZip } from '#deploy/read-zip.js';
import { serverlessArguments } from '#deploy/stacks.js';
import { TEST_STACKS } from './helpers/stacks.js';

const FUNCTIONS = ['rotate', 'replicate', 'reconcile', 'drill', 'failover', 'failback'] as const;
const scratch = mkdtempSync(join(tmpdir(), 'rotasync-bundles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `args` on this Node; resolves the exit code and everything printed. */
const run = (
  file: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs: number },
): Promise<{ code: number; output: string }> =>
  new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
        timeout: options.timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });

// Imports the handler and every chunk, then answers an invalid event as the function would.
const PROBE = `
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [dir] = process.argv.slice(1);
const { handler } = await import(pathToFileURL(join(dir, 'handler.js')).href);
let chunks = 0;
for (const file of readdirSync(join(dir, 'handler.chunks'))) {
  if (!file.endsWith('.js')) continue;
  await import(pathToFileURL(join(dir, 'handler.chunks', file)).href);
  chunks += 1;
}
let answer = 'no error';
try {
  await handler('not an event', { getRemainingTimeInMillis: () => 60000, functionName: 'probe' });
} catch (error) {
  answer = error.name;
}
console.error(JSON.stringify({ handler: typeof handler, chunks, answer }));
process.exit(0);
`;

describe('the packaged bundles', () => {
  it.each(FUNCTIONS)(
    '%s: holds only its own code, loads as ES modules, and answers from the zip alone',
    async (functionName) => {
      // Prepare
      const zip = join(inject('packagedStacks').primary, 'package', `${functionName}.zip`);
      const root = join(scratch, functionName);
      const entries = extractZip(zip, root);
      // Act
      const probe = await run(
        process.execPath,
        ['--input-type=module', '-e', PROBE, join(root, 'functions', functionName)],
        {
          cwd: root,
          env: {
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'x',
            AWS_SECRET_ACCESS_KEY: 'y',
            ROTASYNC_REPLICATED_SECRET_PREFIX: 'example/db/',
            ROTASYNC_ROTATE_FUNCTION_NAME: 'rotasync-example-rotate',
          },
          timeoutMs: 60_000,
        },
      );
      // Assess
      const code = entries.filter((entry) => entry.path.endsWith('.js')).map((e) => e.path);
      expect(code.every((path) => path.startsWith(`functions/${functionName}/`))).toBe(true);
      expect(entries.map((entry) => entry.path)).toContain(
        `functions/${functionName}/package.json`,
      );
      const line = probe.output.split('\n').find((text) => text.startsWith('{"handler"'));
      expect(JSON.parse(line ?? '{}'), probe.output).toEqual({
        handler: 'function',
        chunks: code.length - 1,
        answer: 'InvalidEventError',
      });
    },
  );

  it('rotate: the MySQL driver and pg load from their own chunks, not at start', () => {
    // Prepare
    const zip = join(inject('packagedStacks').primary, 'package', 'rotate.zip');
    // Act
    const entries = extractZip(zip, join(scratch, 'rotate-text'));
    const handler = entries.find((entry) => entry.path === 'functions/rotate/handler.js');
    // Assess: the entry names no driver; some chunk holds each.
    const text = handler?.data.toString('utf8') ?? '';
    expect(text).not.toContain('mysql_native_password');
    expect(text).not.toContain('SCRAM-SHA-256');
    const chunkTexts = entries
      .filter((entry) => entry.path.includes('/handler.chunks/') && entry.path.endsWith('.js'))
      .map((entry) => entry.data.toString('utf8'));
    expect(chunkTexts.some((chunk) => chunk.includes('mysql_native_password'))).toBe(true);
    expect(chunkTexts.some((chunk) => chunk.includes('SCRAM-SHA-256'))).toBe(true);
  });

  it('serverless invoke local still loads a handler and runs it', async () => {
    // Prepare: the primary stack's scratch project, an event the handler refuses at once.
    const project = inject('packagedStacks').primary;
    const event = join(scratch, 'invalid-event.json');
    writeFileSync(event, JSON.stringify({ Step: 'dropTables' }));
    const plan = TEST_STACKS.primary;
    const args = serverlessArguments('package', plan)
      .slice(1)
      .filter((arg) => arg.startsWith('--param='));
    const osls = createRequire(import.meta.url).resolve('osls/bin/serverless.js');
    // Act: osls can hang when a handler fails to load, hence the timeout.
    const invoked = await run(
      process.execPath,
      [
        osls,
        'invoke',
        'local',
        '-f',
        'rotate',
        '--stage',
        plan.stage,
        '--region',
        plan.region,
        '--path',
        event,
        ...args,
      ],
      {
        cwd: project,
        env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', SLS_TELEMETRY_DISABLED: '1' },
        timeoutMs: 180_000,
      },
    );
    // Assess
    expect(invoked.output).toContain('"errorType": "InvalidEventError"');
    expect(invoked.output).toContain('field \\"Step\\"');
  }, 200_000);
});
