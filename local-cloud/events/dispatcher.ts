/**
 * Delivers events to the functions whose rule pattern matches, like EventBridge with Lambda
 * targets, plus knobs that make delivery as untidy as the real thing may be: shuffled order and
 * duplicate deliveries (seeded, so a failing run can be replayed), and retries of failed
 * invocations before a dead-letter list.
 */
import type { LocalCloud } from '../types.js';
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
  /** Queues an event; nothing is delivered until `flush`. */
  publish(event: EventBridgeEvent): void;
  /** Delivers everything queued (and anything published meanwhile); resolves this flush's records. */
  flush(): Promise<readonly DeliveryRecord[]>;
  /** Every delivery so far. */
  deliveries(): readonly DeliveryRecord[];
  /** Deliveries that failed `maxAttempts` times. */
  deadLetters(): readonly { readonly target: string; readonly event: EventBridgeEvent }[];
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
  const dead: { target: string; event: EventBridgeEvent }[] = [];

  const enqueue = (delivery: Delivery): void => {
    const at = options.shuffle === true ? Math.floor(random() * (queue.length + 1)) : queue.length;
    queue.splice(at, 0, delivery);
  };

  const publish = (event: EventBridgeEvent): void => {
    for (const target of options.targets) {
      if (!matchesPattern(target.pattern, event)) continue;
      enqueue({ target, event, attempt: 1 });
      if (random() < (options.duplicateRate ?? 0)) enqueue({ target, event, attempt: 1 });
    }
  };

  const deliverOne = async (delivery: Delivery, into: DeliveryRecord[]): Promise<void> => {
    const base = {
      target: delivery.target.name,
      eventId: delivery.event.id,
      detailType: delivery.event['detail-type'],
      attempt: delivery.attempt,
    };
    try {
      await delivery.target.deliver(delivery.event);
      into.push({ ...base, outcome: 'ok' });
    } catch (error) {
      into.push({
        ...base,
        outcome: 'failed',
        error: error instanceof Error ? error.message : String(error),
      });
      if (delivery.attempt < maxAttempts) enqueue({ ...delivery, attempt: delivery.attempt + 1 });
      else dead.push({ target: delivery.target.name, event: delivery.event });
    }
  };

  const flush = async (): Promise<readonly DeliveryRecord[]> => {
    const flushed: DeliveryRecord[] = [];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        await deliverOne(next, flushed);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
    records.push(...flushed);
    return flushed;
  };

  return { publish, flush, deliveries: () => [...records], deadLetters: () => [...dead] };
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
