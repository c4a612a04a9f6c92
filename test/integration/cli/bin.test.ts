/**
 * How `rotasync` is run from a clone: the package bin (a launcher that runs the TypeScript
 * sources through tsx), `npm run rotasync --`, and the self-contained bundle `npm run build:cli`
 * makes, each as its own process with its exit code, the bundle against a local stack.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, PROJECT_ROOT, startLocalStack } from '#local-cloud/stack.js';
import { tapText } from '#local-cloud/taps.js';

/** What each run printed, for the leak scan (local-cloud/taps.ts). */
const tapOutput = (stdout: string, stderr: string): void => {
  tapText('cli-output', 'rotasync stdout', () => stdout);
  tapText('cli-output', 'rotasync stderr', () => stderr);
};

const run = (command: string, args: readonly string[], env: Record<string, string> = {}) => {
  const result = spawnSync(command, args, {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  tapOutput(result.stdout, result.stderr);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** Runs without blocking this process, whose event loop serves the local stack. */
const runAsync = (command: string, args: readonly string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      command,
      [...args],
      { cwd: PROJECT_ROOT, timeout: 120_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        tapOutput(stdout, stderr);
        resolve({ status, stdout, stderr });
      },
    );
  });

let scratch: string;
let stack: LocalStack;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'rotasync-bin-'));
  stack = await startLocalStack({});
});

afterAll(async () => {
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the rotasync bin', () => {
  it('runs the sources, and passes the exit code through', () => {
    // Act
    const version = run(process.execPath, ['cli/rotasync.mjs', '--version']);
    const usage = run(process.execPath, [
      'cli/rotasync.mjs',
      'failover',
      '--region',
      'us-west-2',
      '--confirm',
      'us-east-1',
    ]);

    // Assess
    expect(version).toMatchObject({ status: 0, stdout: '0.1.0\n' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('does not repeat --region');
  });

  it('runs as npm run rotasync -- …', () => {
    const help = run('npm', ['run', '--silent', 'rotasync', '--', 'drill', '--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: rotasync drill');
  });

  it('bundles into one file that runs without the sources', async () => {
    // Prepare
    const bundle = join(scratch, 'rotasync.mjs');

    // Act
    const build = run('npm', ['run', '--silent', 'build:cli'], { ROTASYNC_CLI_BUNDLE: bundle });
    const sweep = await runAsync(process.execPath, [
      bundle,
      'reconcile',
      '--dry-run',
      '--endpoint',
      stack.cloud.endpoint,
      '--region',
      'us-east-1',
      '--stage',
      'local',
      '--json',
    ]);

    // Assess
    expect(build.status, build.stderr).toBe(0);
    expect(sweep.status, sweep.stderr).toBe(0);
    expect(JSON.parse(sweep.stdout)).toMatchObject({
      function: 'rotasync-local-reconcile',
      report: { dryRun: true, drift: [] },
    });
  });
});
