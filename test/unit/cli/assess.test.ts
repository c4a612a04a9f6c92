import { describe, expect, it } from 'vitest';
import { assessRotation, replicaSyncStatus } from '#cli/status/assess.js';
import type { SecretEntry } from '#cli/status/inventory.js';

const HOUR = 3_600_000;
const NOW = new Date(Date.UTC(2026, 5, 15, 12, 0, 0));
const SOURCE_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdEf';

const entry = (overrides: Partial<SecretEntry> = {}): SecretEntry => ({
  name: 'prod/app',
  arn: SOURCE_ARN,
  rotationEnabled: true,
  rotationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:rotasync-dev-rotate',
  scheduleExpression: 'rate(30 days)',
  automaticallyAfterDays: undefined,
  duration: '2h',
  lastRotatedDate: new Date(NOW.getTime() - 10 * 24 * HOUR),
  nextRotationDate: new Date(NOW.getTime() + 20 * 24 * HOUR),
  deletedDate: undefined,
  tags: {},
  versions: { v2: ['AWSCURRENT'], v1: ['AWSPREVIOUS'] },
  ...overrides,
});

const assess = (secret: SecretEntry, input: Partial<Parameters<typeof assessRotation>[1]> = {}) =>
  assessRotation(secret, {
    isSource: true,
    unfinished: false,
    pendingSince: undefined,
    now: NOW,
    graceMs: 15 * 60_000,
    ...input,
  });

describe('assessRotation: last outcome', () => {
  it('reads a finished rotation with a LastRotatedDate as succeeded', () => {
    expect(assess(entry())).toMatchObject({ lastOutcome: 'succeeded', problems: [] });
  });

  it('reads a secret never rotated as never-rotated, which is no problem by itself', () => {
    expect(assess(entry({ lastRotatedDate: undefined }))).toMatchObject({
      lastOutcome: 'never-rotated',
      problems: [],
    });
  });

  it('reads an unfinished rotation as in progress within the grace, failed after it', () => {
    // Prepare
    const recent = new Date(NOW.getTime() - 14 * 60_000);
    const old = new Date(NOW.getTime() - 16 * 60_000);

    // Act / Assess
    expect(assess(entry(), { unfinished: true, pendingSince: recent })).toMatchObject({
      lastOutcome: 'in-progress',
      problems: [],
    });
    expect(assess(entry(), { unfinished: true, pendingSince: old })).toMatchObject({
      lastOutcome: 'failed',
      problems: ['rotation-failed'],
    });
    // No creation date to go by: unfinished for an unknown time counts as failed.
    expect(assess(entry(), { unfinished: true })).toMatchObject({ lastOutcome: 'failed' });
  });
});

describe('assessRotation: overdue', () => {
  it('is overdue once the window after NextRotationDate has closed, not before', () => {
    // Prepare: the 2 h window opened 1 h ago, and 3 h ago.
    const inWindow = entry({ nextRotationDate: new Date(NOW.getTime() - HOUR) });
    const pastWindow = entry({ nextRotationDate: new Date(NOW.getTime() - 3 * HOUR) });

    // Act / Assess
    expect(assess(inWindow)).toMatchObject({ overdue: false, problems: [] });
    expect(assess(pastWindow)).toMatchObject({ overdue: true, problems: ['rotation-overdue'] });
  });

  it('gives a schedule in days without Duration until the end of that UTC day', () => {
    // Prepare: due at 00:00 today; it is 12:00.
    const dueToday = entry({
      duration: undefined,
      nextRotationDate: new Date(Date.UTC(2026, 5, 15, 0, 0, 0)),
    });
    const dueYesterday = entry({
      duration: undefined,
      nextRotationDate: new Date(Date.UTC(2026, 5, 14, 0, 0, 0)),
    });

    // Act / Assess
    expect(assess(dueToday).overdue).toBe(false);
    expect(assess(dueYesterday).overdue).toBe(true);
  });

  it('gives a schedule in hours without Duration one hour', () => {
    const late = entry({
      scheduleExpression: 'rate(4 hours)',
      duration: undefined,
      nextRotationDate: new Date(NOW.getTime() - 61 * 60_000),
    });
    expect(assess(late).overdue).toBe(true);
  });

  it('is never overdue while a rotation is in progress, or with rotation off', () => {
    const late = entry({ nextRotationDate: new Date(NOW.getTime() - 5 * HOUR) });
    expect(
      assess(late, { unfinished: true, pendingSince: new Date(NOW.getTime() - 60_000) }).overdue,
    ).toBe(false);
    expect(assess({ ...late, rotationEnabled: false })).toMatchObject({
      overdue: false,
      problems: ['rotation-off'],
    });
  });
});

describe('assessRotation: roles', () => {
  it('finds no rotation problem in a replica, whose rotation is off by design', () => {
    expect(
      assess(entry({ rotationEnabled: false, lastRotatedDate: undefined }), { isSource: false }),
    ).toMatchObject({ problems: [] });
  });

  it('shows AutomaticallyAfterDays as a rate', () => {
    expect(
      assess(entry({ scheduleExpression: undefined, automaticallyAfterDays: 7 })).schedule,
    ).toBe('rate(7 days)');
  });
});

describe('replicaSyncStatus', () => {
  const source = entry();
  const replica = (tags: Record<string, string>, extra: Partial<SecretEntry> = {}) =>
    entry({
      arn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/app-XyZxYz',
      tags,
      ...extra,
    });

  it('tells each state apart from tags alone', () => {
    expect(replicaSyncStatus(source, 'v2', undefined)).toBe('missing');
    expect(
      replicaSyncStatus(
        source,
        'v2',
        replica({ 'rotasync:source-arn': SOURCE_ARN, 'rotasync:source-version': 'v2' }),
      ),
    ).toBe('in-sync');
    expect(
      replicaSyncStatus(
        source,
        'v2',
        replica({ 'rotasync:source-arn': SOURCE_ARN, 'rotasync:source-version': 'v1' }),
      ),
    ).toBe('behind');
    expect(replicaSyncStatus(source, 'v2', replica({ 'rotasync:source-arn': 'arn:other' }))).toBe(
      'conflict',
    );
    expect(replicaSyncStatus(source, 'v2', replica({}))).toBe('conflict');
    expect(
      replicaSyncStatus(source, 'v2', replica({ 'rotasync:failed-over-from': SOURCE_ARN })),
    ).toBe('failed-over');
    expect(
      replicaSyncStatus(
        source,
        'v2',
        replica({ 'rotasync:source-arn': SOURCE_ARN }, { deletedDate: NOW }),
      ),
    ).toBe('deleted');
  });
});
