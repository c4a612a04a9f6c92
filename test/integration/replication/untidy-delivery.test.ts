/**
 * Ordering under untidy delivery: 1,000 events over a few secrets, shuffled and with duplicates
 * (seeded), delivered to the real replicate function four at a time while the sources keep
 * changing. When delivery settles every replica holds its source's current value, endpoint
 * rewritten for its Region, and nothing is dead-lettered.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dbArn,
  EUROPE,
  PRIMARY,
  type ReplicationHarness,
  startReplicationHarness,
  WEST,
} from '#local-cloud/replication-stack.js';
import { mapWithConcurrency } from '#shared/replication/concurrency.js';

const SECRETS = 4;
const PUTS_PER_SECRET = 125; // each PutSecretValue gives two events: the API call and the label move

const ENDPOINTS: Readonly<
  Record<typeof PRIMARY | typeof WEST | typeof EUROPE, { host: string; port: number }>
> = {
  [PRIMARY]: { host: 'inventory.us-east-1.local', port: 5432 },
  [WEST]: { host: 'inventory.us-west-2.local', port: 6432 },
  [EUROPE]: { host: 'inventory.eu-central-1.local', port: 7432 },
};

let harness: ReplicationHarness;

beforeAll(async () => {
  harness = await startReplicationHarness({
    rdsInstances: [
      { region: PRIMARY, identifier: 'inventory', engine: 'postgres', ...ENDPOINTS[PRIMARY] },
      ...([WEST, EUROPE] as const).map((region) => ({
        region,
        identifier: `inventory-${region}`,
        engine: 'postgres',
        ...ENDPOINTS[region],
        readReplicaOf: dbArn(PRIMARY, 'inventory'),
      })),
    ],
    events: { shuffle: true, duplicateRate: 0.25, seed: 20_240_601, concurrency: 4 },
    functionConcurrency: 4,
  });
});

afterAll(async () => {
  await harness?.stop();
});

const versionValue = (secret: number, round: number): string =>
  JSON.stringify({
    engine: 'postgres',
    ...ENDPOINTS[PRIMARY],
    username: `app${secret}`,
    password: `round-${round}-of-secret-${secret}`,
    dbname: 'inventory',
  });

describe('1,000 shuffled, duplicated events', () => {
  it('end with every replica equal to its source, endpoint rewritten', async () => {
    // Prepare
    const names = Array.from({ length: SECRETS }, (_, i) => `untidy/inventory-${i}`);
    const arns = await Promise.all(
      names.map((name, i) => harness.createSecret(name, versionValue(i, 0))),
    );
    const rounds = Array.from({ length: PUTS_PER_SECRET }, (_, round) => round + 1);
    const putRounds = async (from: number, to: number) =>
      mapWithConcurrency(rounds.slice(from, to), 1, async (round) => {
        await Promise.all(arns.map((arn, i) => harness.putValue(arn, versionValue(i, round))));
      });

    // Act: half the changes queue up, then deliveries run while the other half is written.
    await putRounds(0, PUTS_PER_SECRET / 2);
    const firstFlush = harness.stack.events.flush();
    await putRounds(PUTS_PER_SECRET / 2, PUTS_PER_SECRET);
    await firstFlush;
    await harness.stack.events.flush();

    // Assess
    const deliveries = harness.stack.events.deliveries();
    const eventIds = deliveries.map((delivery) => delivery.eventId);
    expect(new Set(eventIds).size).toBeGreaterThanOrEqual(SECRETS * PUTS_PER_SECRET * 2);
    expect(eventIds.length).toBeGreaterThan(new Set(eventIds).size); // duplicates were delivered
    expect(harness.stack.events.deadLetters()).toEqual([]);
    for (const [i, arn] of arns.entries()) {
      const source = await harness.view(PRIMARY, arn);
      expect(JSON.parse(source?.value ?? '{}').password).toBe(
        `round-${PUTS_PER_SECRET}-of-secret-${i}`,
      );
      for (const region of [WEST, EUROPE] as const) {
        const replica = await harness.view(region, names[i] ?? '');
        expect(replica?.tags['rotasync:source-version']).toBe(source?.versionId);
        expect(JSON.parse(replica?.value ?? '{}')).toEqual({
          ...JSON.parse(source?.value ?? '{}'),
          ...ENDPOINTS[region],
        });
      }
    }
  });
});
