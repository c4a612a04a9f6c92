import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '#shared/replication/concurrency.js';

describe('mapWithConcurrency', () => {
  it('keeps order and never exceeds the limit', async () => {
    // Prepare
    let running = 0;
    let peak = 0;
    // Act
    const results = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return n * 2;
    });
    // Assess
    expect(results).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });
});
