import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonState, writeJsonStateAtomically } from '#local-cloud/persistence.js';
import type { RotationStarter } from '#local-cloud/secrets-manager/operations/context.js';
import { OPERATIONS } from '#local-cloud/secrets-manager/operations/index.js';
import { restoreState, snapshotState } from '#local-cloud/secrets-manager/snapshot.js';
import { SecretsState } from '#local-cloud/secrets-manager/store.js';

const noRotations: RotationStarter = { canInvoke: false, isRunning: () => false, start: () => {} };
const call = (
  state: SecretsState,
  region: string,
  operation: string,
  body: Record<string, unknown>,
) => {
  const op = OPERATIONS[operation];
  if (op === undefined) throw new Error(operation);
  return op(body, { region, store: state.region(region), now: Date.now(), rotations: noRotations })
    .response;
};

describe('persistence', () => {
  it('writes the document atomically with mode 0600 and leaves no temporary file', () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'rotasync-state-'));
    const file = join(folder, 'nested', 'state.json');
    // Act
    writeJsonStateAtomically(file, { a: 1 });
    writeJsonStateAtomically(file, { a: 2 });
    // Assess
    expect(readJsonState(file)).toEqual({ a: 2 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(folder, 'nested'))).toEqual(['state.json']);
  });

  it('keeps the previous document when a write fails', () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'rotasync-state-'));
    const file = join(folder, 'state.json');
    writeJsonStateAtomically(file, { a: 1 });
    // Act
    const attempt = () => writeJsonStateAtomically(file, { big: 1n });
    // Assess
    expect(attempt).toThrow();
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}');
    expect(readdirSync(folder)).toEqual(['state.json']);
  });

  it('reads a missing file as undefined', () => {
    // Act
    const state = readJsonState(join(tmpdir(), 'rotasync-no-such-file.json'));
    // Assess
    expect(state).toBeUndefined();
  });

  it('restores every Region, version, label and tag after a restart', () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'rotasync-state-'));
    const file = join(folder, 'state.json');
    const before = new SecretsState('123456789012');
    const created = call(before, 'us-east-1', 'CreateSecret', {
      Name: 'app',
      SecretString: 'v1',
      Tags: [{ Key: 'team', Value: 'db' }],
    });
    call(before, 'us-east-1', 'PutSecretValue', { SecretId: 'app', SecretBinary: 'AAEC' });
    call(before, 'eu-west-1', 'CreateSecret', { Name: 'replica', SecretString: 'r1' });
    call(before, 'eu-west-1', 'DeleteSecret', { SecretId: 'replica' });
    writeJsonStateAtomically(file, snapshotState(before));
    // Act
    const after = new SecretsState('123456789012');
    restoreState(after, readJsonState(file));
    // Assess
    expect(
      call(after, 'us-east-1', 'GetSecretValue', { SecretId: String(created.ARN) }).SecretBinary,
    ).toBe('AAEC');
    expect(
      call(after, 'us-east-1', 'GetSecretValue', { SecretId: 'app', VersionStage: 'AWSPREVIOUS' })
        .SecretString,
    ).toBe('v1');
    expect(call(after, 'us-east-1', 'DescribeSecret', { SecretId: 'app' }).Tags).toEqual([
      { Key: 'team', Value: 'db' },
    ]);
    expect(
      call(after, 'eu-west-1', 'DescribeSecret', { SecretId: 'replica' }).DeletedDate,
    ).toBeTypeOf('number');
  });

  it('refuses a file that is not a local cloud state', () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'rotasync-state-'));
    const file = join(folder, 'state.json');
    writeFileSync(file, '{"hello":"world"}');
    // Act
    const attempt = () => restoreState(new SecretsState('123456789012'), readJsonState(file));
    // Assess
    expect(attempt).toThrow(/not a Rotasync local cloud state/);
  });
});
