/**
 * The sweep with replicateDeletes=true on the local stack, invoked as the real `reconcile`
 * function: a typo in a live source's `rotasync:replicate-to` tag never deletes its replicas
 * (issue 9, defect 5); a source scheduled for deletion still gets its replicas deleted.
 */
import { DeleteSecretCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EUROPE,
  PRIMARY,
  type ReplicationHarness,
  startReplicationHarness,
  WEST,
} from '#local-cloud/replication-stack.js';

const value = (password: string): string =>
  JSON.stringify({
    engine: 'postgres',
    host: 'ledger.local',
    port: 5432,
    username: 'ledger',
    password,
  });

const operationsOf = (harness: ReplicationHarness, operation: string) =>
  harness.stack.cloud.requestLog.entries().filter((entry) => entry.operation === operation);

describe('reconcile with replicateDeletes=true and a live source', () => {
  let harness: ReplicationHarness;
  let typoArn: string;

  beforeAll(async () => {
    harness = await startReplicationHarness({ params: { replicateDeletes: 'true' } });
    typoArn = await harness.createSecret('live/typo', value('typo-1'));
    await harness.createSecret('live/kept', value('kept-1'));
    // A first sweep creates every replica (no event delivery here).
    const first = await harness.reconcile();
    expect(first.repaired).toBe(4);
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('keeps both replicas when the source’s replicate-to tag no longer parses', async () => {
    // Prepare: `;` for `,`, as a hurried operator types it.
    await harness.sm().send(
      new TagResourceCommand({
        SecretId: typoArn,
        Tags: [{ Key: 'rotasync:replicate-to', Value: `${WEST};${EUROPE}` }],
      }),
    );
    harness.stack.cloud.requestLog.clear();

    // Act
    const report = await harness.reconcile({});

    // Assess
    expect(operationsOf(harness, 'DeleteSecret')).toEqual([]);
    expect(report.drift).toEqual([]);
    expect(report.errors).toEqual([
      { secret: typoArn, error: expect.stringContaining('rotasync:replicate-to') },
    ]);
    for (const region of [WEST, EUROPE]) {
      expect((await harness.view(region, 'live/typo'))?.deleted, region).toBe(false);
    }
  });

  it('reports, and keeps, the replica a well-formed typo leaves out', async () => {
    // Prepare: `eu-centrl-1` parses as a Region name, so eu-central-1 drops out of the pairs.
    await harness.sm().send(
      new TagResourceCommand({
        SecretId: typoArn,
        Tags: [{ Key: 'rotasync:replicate-to', Value: `${WEST},eu-centrl-1` }],
      }),
    );
    harness.stack.cloud.requestLog.clear();

    // Act
    const report = await harness.reconcile({});

    // Assess
    expect(operationsOf(harness, 'DeleteSecret').map((entry) => entry.region)).toEqual([]);
    expect(report.drift).toContainEqual({
      secret: typoArn,
      region: EUROPE,
      reason: 'no-longer-replicated',
      repaired: false,
    });
    expect((await harness.view(EUROPE, 'live/typo'))?.deleted).toBe(false);
  });

  it('deletes the replicas once DescribeSecret confirms the source is scheduled for deletion', async () => {
    // Prepare
    await harness
      .sm()
      .send(new DeleteSecretCommand({ SecretId: typoArn, RecoveryWindowInDays: 7 }));
    harness.stack.cloud.requestLog.clear();

    // Act
    const report = await harness.reconcile({});

    // Assess
    const described = operationsOf(harness, 'DescribeSecret').filter(
      (entry) => entry.region === PRIMARY && entry.secretId === typoArn,
    );
    expect(described).toHaveLength(1);
    expect(
      report.drift
        .filter((item) => item.reason === 'extra-replica')
        .map((item) => item.region)
        .sort(),
    ).toEqual([EUROPE, WEST].sort());
    for (const region of [WEST, EUROPE]) {
      expect((await harness.view(region, 'live/typo'))?.deleted, region).toBe(true);
      expect((await harness.view(region, 'live/kept'))?.deleted, region).toBe(false);
    }
  });
});
