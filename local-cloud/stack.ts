/**
 * The whole local cloud in one call: the AWS endpoint (Secrets Manager, and RDS when given) and
 * the project's own Lambda functions from serverless.yml, wired so that Secrets Manager invokes the
 * rotation function as the service would and, when asked, so that every change of a secret
 * reaches the functions whose EventBridge rules match it (replication). `npm start`, the
 * integration tests and the benchmarks all use this, so they exercise the same path.
 */
import { fileURLToPath } from 'node:url';
import { buildEvents, type EventBridgeEvent } from './events/build-events.js';
import {
  createEventDispatcher,
  type DeliveryRecord,
  type DispatcherOptions,
  type EventDispatcher,
  type EventTarget,
} from './events/dispatcher.js';
import type { EventPattern } from './events/pattern.js';
import { startLocalCloud } from './index.js';
import { createMetricLog, type MetricLog } from './lambda/emf.js';
import { FunctionHost } from './lambda/function-host.js';
import { createLocalLambda, type LocalLambda } from './lambda/lambda-api.js';
import { readServerlessProject, type ServerlessProject } from './lambda/serverless-config.js';
import type { LocalCloud, ServiceHandler } from './types.js';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How the local EventBridge delivers (see DispatcherOptions); every knob is optional. */
export type LocalEventOptions = Omit<DispatcherOptions, 'targets'>;

export interface LocalStackOptions {
  /** The primary Region (the Region functions are "deployed" to); `us-east-1`. */
  readonly region?: string;
  /**
   * Disaster-recovery Regions. They are the default of the `replicaRegions` parameter (so the
   * replicate and reconcile functions copy secrets there) unless `params` sets it.
   */
  readonly recoveryRegions?: readonly string[];
  /** serverless.yml parameters, as `--param name=value` would give them. */
  readonly params?: Readonly<Record<string, string>>;
  /** Extra environment for every function (e.g. ROTASYNC_CA_BUNDLE for the local test CA). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Persists the Secrets Manager state to this file. */
  readonly stateFile?: string;
  /** Loopback port of the endpoint; a free one when absent. */
  readonly port?: number;
  /** More local services, e.g. `{ rds: createLocalRds(...) }`. */
  readonly extraServices?: Readonly<Record<string, ServiceHandler>>;
  /** Receives every line the functions print. */
  readonly onFunctionOutput?: (functionName: string, line: string) => void;
  /**
   * Turns on event delivery: each change in the primary Region becomes the EventBridge events
   * AWS would send, invoked on every function whose `eventBridge.pattern` matches. Off when
   * absent, so a stack without it runs no function but on RotateSecret.
   */
  readonly events?: LocalEventOptions;
  /** Execution environments per function and Region that may run at once; default 4. */
  readonly functionConcurrency?: number;
  /**
   * The Regions the stack is deployed to, whose changes reach the functions' event rules (the
   * rules are regional); default the primary only. Disaster-recovery tests deploy to every
   * Region, as a real deployment does, so a failed-over Region replicates back by itself.
   */
  readonly eventRegions?: readonly string[];
}

/** The local EventBridge of a stack. */
export interface LocalEvents {
  /** False when the stack was started without `events`: nothing is delivered. */
  readonly enabled: boolean;
  /** Delivers what is queued (and what the deliveries cause) until nothing is left in flight. */
  flush(): Promise<readonly DeliveryRecord[]>;
  /** Queues an event as if AWS had sent it (e.g. a hand-made sample). */
  publish(event: EventBridgeEvent): void;
  /** Every invocation so far, with its outcome. */
  deliveries(): readonly DeliveryRecord[];
  /** Events whose target failed every attempt: the local dead-letter queue. */
  deadLetters(): readonly { readonly target: string; readonly event: EventBridgeEvent }[];
  /** Queues every dead letter again (a replay from the dead-letter queue); returns how many. */
  redriveDeadLetters(): number;
}

export interface LocalStack {
  readonly cloud: LocalCloud;
  readonly functions: FunctionHost;
  /** Lambda's Invoke and GetFunctionConfiguration API for the functions, on the same endpoint. */
  readonly lambda: LocalLambda;
  readonly project: ServerlessProject;
  /** The primary Region. */
  readonly region: string;
  /** The primary Region, then the recovery Regions. */
  readonly regions: readonly string[];
  readonly events: LocalEvents;
  /**
   * The metrics the functions emitted (their EMF lines, read as CloudWatch Logs would); the
   * lines themselves still reach `onFunctionOutput`.
   */
  readonly metrics: MetricLog;
  /** The ARN of a function of serverless.yml (by its key, e.g. `rotate`) in a Region. */
  functionArn(key: string, region?: string): string;
  /** Invokes a function by hand (e.g. `reconcile` with `{ dryRun: true }`); resolves its result. */
  invoke(key: string, payload: unknown, region?: string): Promise<unknown>;
  /** Environment variables that point an AWS SDK client in this process at the local cloud. */
  readonly clientEnvironment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const disabledEvents: LocalEvents = {
  enabled: false,
  flush: async () => [],
  publish: () => undefined,
  deliveries: () => [],
  deadLetters: () => [],
  redriveDeadLetters: () => 0,
};

/** One target per function and rule, delivering as EventBridge does: async, in the event's Region. */
const eventTargets = (project: ServerlessProject, host: FunctionHost): EventTarget[] =>
  project.functions.flatMap((fn) =>
    fn.eventPatterns.map((pattern) => ({
      name: fn.key,
      pattern: pattern as EventPattern,
      deliver: async (event: EventBridgeEvent) => {
        await host.invoke(fn.key, event, event.region);
      },
    })),
  );

const wrapDispatcher = (dispatcher: EventDispatcher): LocalEvents => ({
  enabled: true,
  flush: () => dispatcher.flush(),
  publish: (event) => dispatcher.publish(event),
  deliveries: () => dispatcher.deliveries(),
  deadLetters: () => dispatcher.deadLetters(),
  redriveDeadLetters: () => dispatcher.redriveDeadLetters(),
});

/** Starts the local cloud and the project's functions; `stop()` ends both. */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const region = options.region ?? 'us-east-1';
  const regions = [region, ...(options.recoveryRegions ?? []).filter((r) => r !== region)];
  let functions: FunctionHost | undefined;
  // Lambda's own API for the same functions: Invoke and GetFunctionConfiguration over HTTP.
  const lambda = createLocalLambda({
    host: () => functions,
    projectRoot: PROJECT_ROOT,
    ...(options.onFunctionOutput
      ? { onAsyncFailure: (line: string) => options.onFunctionOutput?.('lambda', line) }
      : {}),
  });
  const cloud = await startLocalCloud({
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    ...(options.port === undefined ? {} : { port: options.port }),
    extraServices: { lambda, ...options.extraServices },
    invokeFunction: async (arn, payload, invokeRegion) => {
      if (!functions) throw new Error('the local functions are not started');
      await functions.invoke(arn, payload, invokeRegion);
    },
  });
  const params = {
    ...(options.recoveryRegions ? { replicaRegions: regions.slice(1).join(',') } : {}),
    ...options.params,
  };
  const project = readServerlessProject(PROJECT_ROOT, {
    stage: 'local',
    region,
    accountId: cloud.accountId,
    params,
  });
  const clientEnvironment = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.endpoint,
    AWS_ENDPOINT_URL_RDS: cloud.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH: cloud.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: cloud.endpoint,
  };
  const metrics = createMetricLog();
  const onOutput = options.onFunctionOutput;
  const host = new FunctionHost({
    projectRoot: PROJECT_ROOT,
    project,
    accountId: cloud.accountId,
    environment: { ...clientEnvironment, ...options.environment },
    onOutput: (name, line) => {
      metrics.record(line);
      onOutput?.(name, line);
    },
    ...(options.functionConcurrency ? { maxConcurrency: options.functionConcurrency } : {}),
  });
  functions = host;

  let events = disabledEvents;
  let unsubscribe = (): void => undefined;
  if (options.events) {
    const dispatcher = createEventDispatcher({
      ...options.events,
      targets: eventTargets(project, host),
    });
    // EventBridge rules are regional: only changes in a Region the stack is deployed to reach
    // a function (by default the primary alone, so the replicas' own changes reach none).
    const deployed = new Set(options.eventRegions ?? [region]);
    unsubscribe = cloud.onApiCall((record) => {
      if (!deployed.has(record.region)) return;
      for (const event of buildEvents(record)) dispatcher.publish(event);
    });
    events = wrapDispatcher(dispatcher);
  }

  return {
    cloud,
    functions: host,
    lambda,
    project,
    region,
    regions,
    events,
    metrics,
    clientEnvironment,
    functionArn: (key, inRegion) => host.arnOf(key, inRegion ?? region),
    invoke: (key, payload, inRegion) => host.invoke(key, payload, inRegion ?? region),
    stop: async () => {
      unsubscribe();
      await cloud.stop();
      await host.stop();
    },
  };
};
