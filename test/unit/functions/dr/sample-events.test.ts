import { describe, expect, it } from 'vitest';
import { parseDrillInput, parseFailbackInput, parseFailoverInput } from '#shared/dr/inputs.js';
import { readProjectFile } from '#test/helpers/project-files.js';

const sample = (name: string): unknown => JSON.parse(readProjectFile(`events/${name}.json`));

describe('events/ samples of the disaster-recovery functions', () => {
  it('hold valid inputs for drill, failover (dry run and real) and failback', () => {
    // Act
    const drill = parseDrillInput(sample('drill'));
    const dryRun = parseFailoverInput(sample('failover-dry-run'), 'us-west-2');
    const failover = parseFailoverInput(sample('failover'), 'us-west-2');
    const failback = parseFailbackInput(sample('failback'), 'us-west-2');
    // Assess
    expect(drill).toEqual({ secrets: { kind: 'all' }, failOnProblems: false });
    expect(dryRun.dryRun).toBe(true);
    expect(failover).toEqual({
      region: 'us-west-2',
      secrets: { kind: 'names', names: ['prod/db/app'] },
      dryRun: false,
    });
    expect(failback).toMatchObject({ region: 'us-east-1', dryRun: true, force: false });
  });
});
