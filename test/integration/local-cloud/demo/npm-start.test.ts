/**
 * `npm start`, run once as the README tells a newcomer to: it exits 0 after its four scenes, the
 * rehearsal's stages each report success (a drill that passes, the primary stopped, a failover
 * that really promotes the streaming replica, the application writing in the recovery Region
 * with that Region's secret, a rotation by that Region's own rotate function, status --check),
 * and it leaves no server running and no file behind.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '#local-cloud/stack.js';

let run: { readonly exitCode: number | null; readonly output: string };
/** The demo's own temporary folder (TMPDIR), so what it leaves behind can be seen. */
let demoTmp: string;

/** Command lines of the machine's processes (Linux /proc). */
const commandLines = async (): Promise<string[]> => {
  const lines: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (text !== '') lines.push(text.replaceAll('\0', ' '));
  }
  return lines;
};

/** A line with what varies from run to run (figures, ports, dates, ids, padding) blanked. */
const comparable = (line: string): string =>
  line
    .replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, 'ID')
    .replace(/\d{4}-\d{2}-\d{2}( \d{2}:\d{2} UTC)?/g, 'DATE')
    .replace(/\d+(\.\d+)? m?s\b/g, 'DURATION')
    .replace(/\d+/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();

beforeAll(async () => {
  demoTmp = await mkdtemp(join(tmpdir(), 'rotasync-npm-start-'));
  // Run as root, the demo's PostgreSQL servers run as the postgres user, who must reach it.
  await chmod(demoTmp, 0o755);
  run = await new Promise((resolve, reject) => {
    const child = spawn('npm', ['start'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: demoTmp, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ exitCode, output }));
  });
}, 300_000);

afterAll(async () => {
  await rm(demoTmp, { recursive: true, force: true });
});

describe('npm start', () => {
  it('runs every scene and exits 0', () => {
    // Assess
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).not.toContain('The demo failed');
    // A scene marks what it did not expect with "!!" (and goes on).
    expect(run.output).not.toMatch(/^ +!! /m);
    for (const scene of [
      '1. Single user',
      '2. Alternating users',
      '3. Disaster recovery: us-east-1 → us-west-2',
      '4. Rehearsal: us-east-1 goes down, us-west-2 takes over',
    ]) {
      expect(run.output).toContain(scene);
    }
    expect(run.output).toMatch(/total +[\d.]+ m?s; servers stopped, files removed/);
  });

  it('rehearses the disaster recovery stage by stage with the rotasync command', () => {
    // Assess: each stage's success line, in order.
    const stages = [
      /^ {17}✓ order 1 written in us-east-1, and on the replica /m,
      /^ {17}✓ drill passed \(exit 0\) /m,
      /^ {17}✓ us-east-1's database is gone /m,
      /^ {17}✓ failover done \(exit 0\) /m,
      /^ {17}✓ the application works in us-west-2 /m,
      /^ {17}✓ rotated by us-west-2's own rotate function \(exit 0\) /m,
      /^ {17}✓ status --check passed \(exit 0\) /m,
      /^ {2}rehearsal +✓ 7 stages passed in /m,
    ];
    const positions = stages.map((stage) => run.output.search(stage));
    expect(
      positions.every((position) => position >= 0),
      run.output,
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("shows the commands' own answers: ready, promoted for real, rotated in us-west-2", () => {
    // Assess
    expect(run.output).toMatch(
      /\$ rotasync drill --region us-west-2 --endpoint http:\/\/127\.0\.0\.1:\d+ --stage local/,
    );
    expect(run.output).toContain(
      '│ drill in us-west-2 (rotasync-local-drill): READY, 1 secret checked, 0 problems',
    );
    expect(run.output).toMatch(
      /an application still pointed at us-east-1 cannot connect \(ECONNREFUSED\)/,
    );
    expect(run.output).toContain(
      '│ failover to us-west-2 (rotasync-local-failover): DONE after 1 invocation',
    );
    expect(run.output).toMatch(/│ orders-db-west +instance +promoted/);
    expect(run.output).toMatch(/│ rotasync-demo\/postgres\/app-dr +done +ok +ok +enabled/);
    expect(run.output).toContain('✓ orders-db-west really promoted: pg_is_in_recovery() is false');
    expect(run.output).toMatch(
      /reads rotasync-demo\/postgres\/app-dr \(AWSCURRENT\) there through the SDK: app_dr@127\.0\.0\.1:\d+ \(orders-db-west\)/,
    );
    expect(run.output).toContain('✓ writes order 2 there; the table holds 2 orders');
    expect(run.output).toMatch(
      /│ ✓ rotated rotasync-demo\/postgres\/app-dr in us-west-2: version /,
    );
    expect(run.output).toContain(
      'its steps ran in arn:aws:lambda:us-west-2:123456789012:function:rotasync-local-rotate',
    );
    expect(run.output).toMatch(
      /│ rotasync-demo\/postgres\/app-dr +source \(failed over\) +on rate\(30 days\) .* succeeded/,
    );
  });

  it('prints no secret value', () => {
    // Assess: no secret's JSON and no connection string reach the output.
    expect(run.output).not.toMatch(/"password"\s*:/);
    expect(run.output).not.toMatch(/postgres(ql)?:\/\/[^\s]*:[^\s]*@/);
  });

  it("matches the README's sample output, numbers, dates and versions aside", async () => {
    // Prepare
    const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### What `npm start` does'));
    const sample = /```\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '';
    const printed = new Set(run.output.split('\n').map(comparable));

    // Assess
    const missing = sample
      .split('\n')
      .filter((line) => line.trim() !== '' && !printed.has(comparable(line)));
    expect(sample).toContain('4. Rehearsal');
    expect(missing).toEqual([]);
  });

  it('leaves no PostgreSQL server running and no file behind', async () => {
    // Assess: the servers ran from folders under the demo's TMPDIR, where tsx and Node also
    // keep their compile caches (not the demo's files).
    const left = (await readdir(demoTmp)).filter(
      (name) => !name.startsWith('tsx-') && name !== 'node-compile-cache',
    );
    expect(left).toEqual([]);
    expect((await commandLines()).filter((line) => line.includes(demoTmp))).toEqual([]);
  });
});
