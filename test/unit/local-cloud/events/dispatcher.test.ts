import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '#local-cloud/events/build-events.js';
import { createEventDispatcher, type EventTarget } from '#local-cloud/events/dispatcher.js';

const event = (id: string, eventName = 'PutSecretValue'): EventBridgeEvent => ({
  version: '0',
  id,
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.secretsmanager',
  account: '123456789012',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventSource: 'secretsmanager.amazonaws.com', eventName },
});

const recorder = (
  name: string,
  eventNames: string[],
  fail: (id: string) => boolean = () => false,
) => {
  const seen: string[] = [];
  const target: EventTarget = {
    name,
    pattern: { source: ['aws.secretsmanager'], detail: { eventName: eventNames } },
    deliver: async (e) => {
      seen.push(e.id);
      if (fail(e.id)) throw new Error(`boom ${e.id}`);
    },
  };
  return { seen, target };
};

describe('createEventDispatcher', () => {
  it('delivers each event only to the targets whose pattern matches, in order by default', async () => {
    // Prepare
    const puts = recorder('puts', ['PutSecretValue']);
    const deletes = recorder('deletes', ['DeleteSecret']);
    const dispatcher = createEventDispatcher({ targets: [puts.target, deletes.target] });
    // Act
    for (const id of ['a', 'b', 'c']) dispatcher.publish(event(id));
    dispatcher.publish(event('d', 'DeleteSecret'));
    await dispatcher.flush();
    // Assess
    expect(puts.seen).toEqual(['a', 'b', 'c']);
    expect(deletes.seen).toEqual(['d']);
  });

  it('shuffles and duplicates reproducibly from the seed', async () => {
    // Prepare
    const run = async (seed: number) => {
      const r = recorder('r', ['PutSecretValue']);
      const dispatcher = createEventDispatcher({
        targets: [r.target],
        seed,
        shuffle: true,
        duplicateRate: 0.5,
      });
      for (let i = 0; i < 20; i += 1) dispatcher.publish(event(`e${i}`));
      await dispatcher.flush();
      return r.seen;
    };
    // Act
    const first = await run(42);
    const again = await run(42);
    const other = await run(7);
    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first.length).toBeGreaterThan(20);
    expect(new Set(first).size).toBe(20);
    expect(first).not.toEqual([...new Set(first)].sort());
  });

  it('retries a failing delivery, then dead-letters it', async () => {
    // Prepare
    let failures = 0;
    const flaky = recorder(
      'flaky',
      ['PutSecretValue'],
      (id) => id === 'always' || (id === 'once' && failures++ === 0),
    );
    const dispatcher = createEventDispatcher({
      targets: [flaky.target],
      maxAttempts: 3,
      concurrency: 2,
    });
    // Act
    dispatcher.publish(event('once'));
    dispatcher.publish(event('always'));
    const records = await dispatcher.flush();
    // Assess
    expect(records.filter((r) => r.eventId === 'once').map((r) => r.outcome)).toEqual([
      'failed',
      'ok',
    ]);
    expect(records.filter((r) => r.eventId === 'always').map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(dispatcher.deadLetters().map((d) => d.event.id)).toEqual(['always']);
  });
});
