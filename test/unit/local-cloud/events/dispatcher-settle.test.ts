import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '#local-cloud/events/build-events.js';
import { createEventDispatcher, type EventTarget } from '#local-cloud/events/dispatcher.js';

const event = (id: string): EventBridgeEvent => ({
  version: '0',
  id,
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.secretsmanager',
  account: '123456789012',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventSource: 'secretsmanager.amazonaws.com', eventName: 'PutSecretValue' },
});

const pattern = { source: ['aws.secretsmanager'] };
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('createEventDispatcher: settling, auto delivery, redrive', () => {
  it('flush waits for events that deliveries publish, even while other workers are busy', async () => {
    // Prepare
    const seen: string[] = [];
    let publishLater: (e: EventBridgeEvent) => void = () => undefined;
    const target: EventTarget = {
      name: 'cascade',
      pattern,
      deliver: async (e) => {
        await tick();
        seen.push(e.id);
        // A delivery whose function writes, as replicate does, causes one more event.
        if (e.id.length < 4) publishLater(event(`${e.id}+`));
      },
    };
    const dispatcher = createEventDispatcher({ targets: [target], concurrency: 3 });
    publishLater = (e) => dispatcher.publish(e);
    dispatcher.publish(event('a'));

    // Act
    const records = await dispatcher.flush();

    // Assess
    expect(seen).toEqual(['a', 'a+', 'a++', 'a+++']);
    expect(records).toHaveLength(4);
  });

  it('delivers without flush when autoDeliver is on; flush then only waits', async () => {
    // Prepare
    const seen: string[] = [];
    const dispatcher = createEventDispatcher({
      targets: [{ name: 't', pattern, deliver: async (e) => void seen.push(e.id) }],
      autoDeliver: true,
    });

    // Act
    dispatcher.publish(event('x'));
    await tick();

    // Assess
    expect(seen).toEqual(['x']);
    expect(await dispatcher.flush()).toEqual([]);
  });

  it('holds events until flush when autoDeliver is off', async () => {
    // Prepare
    const seen: string[] = [];
    const dispatcher = createEventDispatcher({
      targets: [{ name: 't', pattern, deliver: async (e) => void seen.push(e.id) }],
    });

    // Act
    dispatcher.publish(event('held'));
    await tick();
    const before = [...seen];
    await dispatcher.flush();

    // Assess
    expect(before).toEqual([]);
    expect(seen).toEqual(['held']);
  });

  it('redrives dead letters with fresh attempts and empties the list', async () => {
    // Prepare
    let down = true;
    const dispatcher = createEventDispatcher({
      targets: [
        {
          name: 'flaky',
          pattern,
          deliver: async () => {
            if (down) throw new Error('Region down');
          },
        },
      ],
      maxAttempts: 2,
    });
    dispatcher.publish(event('lost'));
    await dispatcher.flush();
    expect(dispatcher.deadLetters().map((letter) => letter.event.id)).toEqual(['lost']);
    down = false;

    // Act
    const queued = dispatcher.redriveDeadLetters();
    const records = await dispatcher.flush();

    // Assess
    expect(queued).toBe(1);
    expect(records).toEqual([
      expect.objectContaining({ eventId: 'lost', attempt: 1, outcome: 'ok' }),
    ]);
    expect(dispatcher.deadLetters()).toEqual([]);
  });
});
