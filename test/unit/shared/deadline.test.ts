import { describe, expect, it } from 'vitest';
import { deadlineBefore, ensureTimeLeft, withinDeadline } from '#shared/deadline.js';
import { StepTimeoutError } from '#shared/errors.js';

const where = { secretId: 'app-db', step: 'setSecret' };

describe('deadline', () => {
  it('leaves the margin before the Lambda timeout', () => {
    // Act
    const deadline = deadlineBefore(() => 10_000, 2000);
    // Assess
    expect(deadline.remainingMs()).toBe(8000);
  });

  it('throws StepTimeoutError naming where once the budget is spent', () => {
    // Act
    const check = () => ensureTimeLeft({ remainingMs: () => 0 }, 'logging in', where);
    // Assess
    expect(check).toThrow(StepTimeoutError);
    expect(check).toThrow(/setSecret for secret app-db: gave up before logging in/);
  });

  it('settles like the work when it finishes in time', async () => {
    // Act
    const result = await withinDeadline(
      Promise.resolve(7),
      { remainingMs: () => 1000 },
      'x',
      where,
    );
    // Assess
    expect(result).toBe(7);
  });

  it('rejects with StepTimeoutError when the work outlasts the budget, discarding its late result', async () => {
    // Prepare
    let finish: (value: string) => void = () => undefined;
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const discarded: string[] = [];
    // Act
    const run = withinDeadline(work, { remainingMs: () => 1 }, 'logging in', where, (late) => {
      discarded.push(late);
    });
    // Assess
    await expect(run).rejects.toBeInstanceOf(StepTimeoutError);
    finish('session');
    await work;
    await Promise.resolve();
    expect(discarded).toEqual(['session']);
  });
});
