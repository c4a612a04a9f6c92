/**
 * The demo's stages and its ending, without servers: a stage prints its outcome or says it
 * failed, a failed stage is named in the demo's last words, and the exit code is non-zero after
 * any failure, clean-up included (the clean-up always runs).
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { runDemo } from '#local-cloud/demo/run-demo.js';
import { expectExit, runStage, StageFailedError } from '#local-cloud/demo/stages.js';

let printed: MockInstance<typeof console.log>;
const output = (): string => printed.mock.calls.map((call) => call.join(' ')).join('\n');

beforeEach(() => {
  printed = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  printed.mockRestore();
});

const aRun = (exitCode: number) => ({
  commandLine: 'rotasync drill --region us-west-2',
  exitCode,
  stdout: 'drill in us-west-2 (rotasync-local-drill): READY\n\n✓ us-west-2 is ready\n',
  stderr: exitCode === 0 ? '' : 'rotasync: the drill function failed\n',
  durationMs: 5,
});

describe('runStage', () => {
  it('prints what the stage did under its label, then its outcome', async () => {
    // Act
    await runStage('drill', async (printer) => {
      printer.showRun(aRun(0));
      expectExit(aRun(0), 0, printer);
      return 'drill passed (exit 0)';
    });

    // Assess
    expect(output()).toMatch(/^ {2}drill +\$ rotasync drill --region us-west-2$/m);
    expect(output()).toMatch(/^ {17}│ drill in us-west-2 \(rotasync-local-drill\): READY$/m);
    expect(output()).toMatch(/^ {17}✓ drill passed \(exit 0\) {2}\d+ ms$/m);
  });

  it('says which stage failed and why, and throws StageFailedError naming it', async () => {
    // Act
    const running = runStage('failover', async (printer) => {
      expectExit(aRun(3), 0, printer);
      return 'not reached';
    });

    // Assess
    await expect(running).rejects.toThrow(StageFailedError);
    await expect(running).rejects.toMatchObject({ stage: 'failover' });
    expect(output()).toContain('│ rotasync: the drill function failed');
    expect(output()).toMatch(
      /✗ failover failed after \d+ ms: "rotasync drill --region us-west-2" exited 3, expected 0/,
    );
  });
});

describe('runDemo', () => {
  it('exits 0 when every scene and the clean-up succeed', async () => {
    // Prepare
    const said: string[] = [];
    const cleanUp = vi.fn(async () => true);

    // Act
    const exitCode = await runDemo({ main: async () => undefined, cleanUp }, (t) => said.push(t));

    // Assess
    expect(exitCode).toBe(0);
    expect(cleanUp).toHaveBeenCalledOnce();
    expect(said).toEqual([]);
  });

  it('names the failed stage, still cleans up, and exits 1', async () => {
    // Prepare
    const said: string[] = [];
    const cleanUp = vi.fn(async () => true);
    const main = async () => {
      throw new StageFailedError('failover', 'orders-db-west is still a replica');
    };

    // Act
    const exitCode = await runDemo({ main, cleanUp }, (t) => said.push(t));

    // Assess
    expect(exitCode).toBe(1);
    expect(cleanUp).toHaveBeenCalledOnce();
    expect(said.join('\n')).toContain(
      'The demo failed at stage "failover": orders-db-west is still a replica',
    );
  });

  it('exits 1 when the clean-up leaves something behind', async () => {
    // Prepare
    const said: string[] = [];

    // Act
    const exitCode = await runDemo(
      { main: async () => undefined, cleanUp: async () => false },
      (t) => said.push(t),
    );

    // Assess
    expect(exitCode).toBe(1);
    expect(said.join('\n')).toContain('could not clean up');
  });
});
