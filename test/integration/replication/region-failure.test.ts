/**
 * One recovery Region down (every call there answers HTTP 500): the other Region still gets
 * the change at once, the event ends in the local dead-letter queue after the retries, and
 * replaying it once the Region is back brings that Region up to date without writing again
 * where the change had already landed.
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

const WRITES = /^(Create|Put|Update|Tag|Untag|Delete|Restore)/;

let harness: ReplicationHarness;

beforeAll(async () => {
  harness = await startReplicationHarness({
    rdsInstances: [
      {
        region: PRIMARY,
        identifier: 'billing',
        engine: 'postgres',
        host: 'billing.east.local',
        port: 5432,
      },
      {
        region: WEST,
        identifier: 'billing-west',
        engine: 'postgres',
        host: 'billing.west.local',
        port: 6432,
        readReplicaOf: dbArn(PRIMARY, 'billing'),
      },
    ],
    events: { maxAttempts: 2, concurrency: 2 },
  });
});

afterAll(async () => {
  harness?.stack.cloud.faults.clear();
  await harness?.stop();
});

const value = (password: string): string =>
  JSON.stringify({
    engine: 'postgres',
    host: 'billing.east.local',
    port: 5432,
    username: 'billing',
    password,
  });

describe('one recovery Region failing', () => {
  it('does not block the other; the dead-lettered event replays cleanly', async () => {
    // Prepare
    const name = 'failing/billing';
    const arn = await harness.createSecret(name, value('first'));
    await harness.stack.events.flush();
    expect((await harness.view(EUROPE, name))?.value).toBe(value('first'));
    const log = harness.stack.cloud.requestLog;

    // Act: Europe is down while the value changes.
    harness.stack.cloud.faults.set({ serverErrorRate: 1 }, EUROPE);
    const version = await harness.putValue(arn, value('second'));
    log.clear();
    await harness.stack.events.flush();
    const duringOutage = log.entries();

    // Assess: the West has it, Europe does not, the events are dead-lettered.
    const west = await harness.view(WEST, name);
    expect(west?.tags['rotasync:source-version']).toBe(version);
    expect(JSON.parse(west?.value ?? '{}')).toMatchObject({
      password: 'second',
      host: 'billing.west.local',
      port: 6432,
    });
    harness.stack.cloud.faults.clear();
    expect((await harness.view(EUROPE, name))?.value).toBe(value('first'));
    const dead = harness.stack.events.deadLetters();
    expect(dead.length).toBeGreaterThan(0);
    expect(dead.every((letter) => letter.target === 'replicate')).toBe(true);
    expect(duringOutage.some((entry) => entry.region === EUROPE && entry.outcome !== 'ok')).toBe(
      true,
    );
    expect(duringOutage.filter((entry) => entry.region === WEST && entry.outcome !== 'ok')).toEqual(
      [],
    );

    // Act: the Region is back; replay the dead letters.
    log.clear();
    expect(harness.stack.events.redriveDeadLetters()).toBe(dead.length);
    const replayed = await harness.stack.events.flush();

    // Assess
    expect(replayed.every((delivery) => delivery.outcome === 'ok')).toBe(true);
    expect(harness.stack.events.deadLetters()).toEqual([]);
    const europe = await harness.view(EUROPE, name);
    expect(europe?.tags['rotasync:source-version']).toBe(version);
    expect(europe?.value).toBe(value('second'));
    const westWrites = log
      .entries()
      .filter((entry) => entry.region === WEST && WRITES.test(entry.operation));
    expect(westWrites).toEqual([]);
  });
});
