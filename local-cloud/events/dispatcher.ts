/**
 * Delivers events to the functions whose rule pattern matches, like EventBridge with Lambda
 * targets, plus knobs that make delivery as untidy as the real thing may be: shuffled order and
 * duplicate deliveries (seeded, so a failing run can be replayed), and retries of failed
 * invocations before a dead-letter list.
 */
import { tapText } from '#local-cloud/taps.js';
import type { LocalCloud } from '#local-cloud/types.js';
import { buildEvents, type EventBridgeEvent } from './build-events.js';
import { type EventPattern, matchesPattern } from './pattern.js';

/** A rule and its target function. */
export interface EventTarget {
  readonly name: string;
  readonly pattern: EventPattern;
  /** Invokes the function; a rejection counts as a failed invocation. */
  readonly deliver: (event: EventBridgeEvent) => Promise<void>;
}

/** How untidy delivery is. */
export interface DispatcherOptions {
  readonly targets: readonly EventTarget[];
  /** Seed of the shuffle and duplication draws (default 1). */
  readonly seed?: number;
  /** Deliver queued events in a random order instead of publication order. */
  readonly shuffle?: boolean;
  /** Share (0..1) of deliveries made twice. */
  readonly duplicateRate?: number;
  /** Deliveries in flight at once (default 1). */
  readonly concurrency?: number;
  /** Invocations per delivery before it goes to the dead letters (default 3, as Lambda's async retries). */
  readonly maxAttempts?: number;
  /**
   * Deliver as soon as events are published, as EventBridge does (default false: events wait
   * for `flush`, so a test can queue many and then shuffle them).
   */
  readonly autoDeliver?: boolean;
}

/** One invocation's outcome. */
export interface DeliveryRecord {
  readonly target: string;
  readonly eventId: string;
  readonly detailType: string;
  readonly attempt: number;
  readonly outcome: 'ok' | 'failed';
  readonly error?: string;
}

/** The dispatcher. */
export interface EventDispatcher {
  /** Queues an event for every matching target (delivered at once with `autoDeliver`). */
  publish(event: EventBridgeEvent): void;
  /**
   * Delivers everything queued and anything published meanwhile (events the deliveries cause
   * included), until nothing is queued or in flight; resolves the records made meanwhile.
   */
  flush(): Promise<readonly DeliveryRecord[]>;
  /** Every delivery so far. */
  deliveries(): readonly DeliveryRecord[];
  /** Deliveries that failed `maxAttempts` times. */
  deadLetters(): readonly { readonly target: string; readonly event: EventBridgeEvent }[];
  /**
   * Takes every dead letter off the list and queues it again with fresh attempts (as a replay
   * from the dead-letter queue would); `flush` delivers them. Resolves how many were queued.
   */
  redriveDeadLetters(): number;
}

/** A small seeded PRNG (mulberry32): the same seed replays the same order. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface Delivery {
  readonly target: EventTarget;
  readonly event: EventBridgeEvent;
  readonly attempt: number;
}

/** Creates a dispatcher over `targets`. */
export const createEventDispatcher = (options: DispatcherOptions): EventDispatcher => {
  const random = seededRandom(options.seed ?? 1);
  const maxAttempts = options.maxAttempts ?? 3;
  const queue: Delivery[] = [];
  const records: DeliveryRecord[] = [];
  const dead: { target: EventTarget; event: EventBridgeEvent }[] = [];
  let draining: Promise<void> | undefined;

  const enqueue = (delivery: Delivery): void => {
    const at = options.shuffle === true ? Math.floor(random() * (queue.length + 1)) : queue.length;
    queue.splice(at, 0, delivery);
  };

  const deliverOne = async (delivery: Delivery): Promise<void> => {
    const base = {
      target: delivery.target.name,
      eventId: delivery.event.id,
      detailType: delivery.event['detail-type'],
      attempt: delivery.attempt,
    };
    try {
      await delivery.target.deliver(delivery.event);
      records.push({ ...base, outcome: 'ok' });
    } catch (error) {
      records.push({
        ...base,
        outcome: 'failed',
        error: error instanceof Error ? error.message : String(error),
      });
      if (delivery.attempt < maxAttempts) enqueue({ ...delivery, attempt: delivery.attempt + 1 });
      else dead.push({ target: delivery.target, event: delivery.event });
    }
  };

  /** One round of workers; they stop when the queue is empty. */
  const drainOnce = async (): Promise<void> => {
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        await deliverOne(next);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  };

  const flush = async (): Promise<readonly DeliveryRecord[]> => {
    const from = records.length;
    // A worker that found the queue empty stops while others still deliver and may publish
    // more (the functions' own writes): go round until a round ends with nothing queued.
    while (queue.length > 0 || draining !== undefined) {
      draining ??= drainOnce().finally(() => {
        draining = undefined;
      });
      await draining;
    }
    return records.slice(from);
  };

  const publish = (event: EventBridgeEvent): void => {
    tapText('event', event.region, () => JSON.stringify(event));
    for (const target of options.targets) {
      if (!matchesPattern(target.pattern, event)) continue;
      enqueue({ target, event, attempt: 1 });
      if (random() < (options.duplicateRate ?? 0)) enqueue({ target, event, attempt: 1 });
    }
    if (options.autoDeliver === true && draining === undefined && queue.length > 0) {
      void flush();
    }
  };

  const redriveDeadLetters = (): number => {
    const letters = dead.splice(0, dead.length);
    for (const letter of letters)
      enqueue({ target: letter.target, event: letter.event, attempt: 1 });
    return letters.length;
  };

  return {
    publish,
    flush,
    deliveries: () => [...records],
    deadLetters: () => dead.map((letter) => ({ target: letter.target.name, event: letter.event })),
    redriveDeadLetters,
  };
};

/**
 * Feeds every API call the local cloud records through {@link buildEvents} into `dispatcher`.
 * Returns the unsubscribe function.
 */
export const connectEvents = (
  cloud: Pick<LocalCloud, 'onApiCall'>,
  dispatcher: Pick<EventDispatcher, 'publish'>,
): (() => void) =>
  cloud.onApiCall((record) => {
    for (const event of buildEvents(record)) dispatcher.publish(event);
  });
