/**
 * What the local cloud shows an observer: every piece of text it or a hosted function puts out
 * (a function's log lines, its errors and results, EventBridge events, API call records, request
 * log entries, database server logs), and every secret value stored. The integration suite's leak
 * scan subscribes and checks that no stored value ever shows up in the text.
 *
 * Published on Node's diagnostics channels
 * (https://nodejs.org/api/diagnostics_channel.html): when nothing subscribes, a tap costs one
 * boolean check and builds nothing, so `npm start` and the benchmarks pay nothing for it.
 */
import { channel } from 'node:diagnostics_channel';

/** The kinds of text the local cloud puts out, one stream each in the leak scan. */
export type TextStream =
  | 'function-output'
  | 'function-reply'
  | 'event'
  | 'api-call'
  | 'request-log'
  | 'database-log'
  | 'cli-output'
  | 'test-process-output';

/** A piece of text put out; `source` says who (a function and Region, a server's log file). */
export interface TappedText {
  readonly stream: TextStream;
  readonly source: string;
  readonly text: string;
}

/** A value someone created that must never be put out; `origin` says where it was stored. */
export interface TappedValue {
  readonly origin: string;
  readonly value: string;
}

export const TEXT_CHANNEL = 'rotasync:local-cloud:text';
export const VALUE_CHANNEL = 'rotasync:local-cloud:value';

const textChannel = channel(TEXT_CHANNEL);
const valueChannel = channel(VALUE_CHANNEL);

/** Publishes text; `text` is a function so nothing is serialised while nobody listens. */
export const tapText = (stream: TextStream, source: string, text: () => string): void => {
  if (!textChannel.hasSubscribers) return;
  textChannel.publish({ stream, source, text: text() } satisfies TappedText);
};

/** Publishes a value that was created or stored (a secret version, a test's password). */
export const tapValue = (origin: string, value: string): void => {
  if (!valueChannel.hasSubscribers) return;
  valueChannel.publish({ origin, value } satisfies TappedValue);
};
