/** Local EventBridge: event building, pattern matching and untidy delivery. */
export { buildEvents, type EventBridgeEvent } from './build-events.js';
export {
  connectEvents,
  createEventDispatcher,
  type DeliveryRecord,
  type DispatcherOptions,
  type EventDispatcher,
  type EventTarget,
  seededRandom,
} from './dispatcher.js';
export { type EventPattern, matchesPattern, type PatternRule } from './pattern.js';
