/**
 * The sweep's cost grows with the number of secrets, not their history: for N unchanged
 * secrets and R recovery Regions it reads in batches of 20 (BatchGetSecretValue) and lists in
 * pages of 100, and writes nothing. Measured in the local cloud's request log.
 */
import { describe, expect, it } from 'vitest';
import { measureSweepReads } from '#local-cloud/replication-stack.js';

describe('measureSweepReads', () => {
  it('200 unchanged secrets, 2 Regions: N/20 + N·R/20 batch reads, no writes', async () => {
    // Act
    const counts = await measureSweepReads(200, 2);

    // Assess
    expect(counts.report).toMatchObject({ checked: 400, inSync: 400, repaired: 0, failed: 0 });
    expect(counts.writes).toBe(0);
    expect(counts.byOperation).toEqual({
      // Sources in one Region, then each Region's replicas (tag filter): 100 a page.
      ListSecrets: 2 + 2 * 2,
      // Source values, then each Region's replica values: 20 a batch.
      BatchGetSecretValue: 10 + 2 * 10,
    });
    expect(counts.reads).toBe(36);
  });
});
