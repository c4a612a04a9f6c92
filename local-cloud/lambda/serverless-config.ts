/**
 * Reads the functions of `serverless.yml` the way the framework would for one stage, so the local
 * cloud runs exactly the handlers, environment and event rules that a deployment declares.
 *
 * Only the variable forms Rotasync's configuration uses are resolved: `${file(path)}`,
 * `${self:a.b}`, `${opt:stage|region, default}`, `${param:name, default}`, `${sls:stage}`,
 * `${aws:region}` and `${aws:accountId}`. Anything else is an error, so a new form is noticed here
 * rather than silently passed through. A function's `vpc` is left out (deployment only).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/** One function as the local cloud runs it. */
export interface LocalFunction {
  /** The key in serverless.yml, e.g. `rotate`. */
  readonly key: string;
  /** The deployed Lambda name, `<service>-<stage>-<key>`. */
  readonly lambdaName: string;
  /** Absolute path of the handler's source module. */
  readonly modulePath: string;
  /** The exported handler's name. */
  readonly exportName: string;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
  /** EventBridge patterns of the function's `eventBridge` events. */
  readonly eventPatterns: readonly Readonly<Record<string, unknown>>[];
  /** Schedule expressions of the function's `schedule` and `eventBridge.schedule` events. */
  readonly schedules: readonly string[];
}

export interface ServerlessProject {
  readonly service: string;
  readonly stage: string;
  readonly region: string;
  readonly functions: readonly LocalFunction[];
}

export interface ReadOptions {
  readonly stage: string;
  readonly region: string;
  readonly accountId: string;
  readonly params?: Readonly<Record<string, string>>;
}

type Yaml = unknown;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const VARIABLE = /\$\{([^{}]+)\}/;

/** Reads `serverless.yml` in `projectRoot` and resolves it for `options.stage`. */
export const readServerlessProject = (
  projectRoot: string,
  options: ReadOptions,
): ServerlessProject => {
  const rootFile = resolve(projectRoot, 'serverless.yml');
  const raw = loadYaml(rootFile);
  if (!isRecord(raw)) throw new Error(`${rootFile} is not a YAML mapping`);
  const resolver = new VariableResolver(raw, projectRoot, options);
  // Resources are CloudFormation's business (their `${AWS::...}` belong to Fn::Sub); only what
  // the local cloud runs is resolved.
  const config: Record<string, unknown> = {};
  for (const key of ['service', 'provider', 'functions'] as const) {
    config[key] = resolver.resolve(raw[key], projectRoot);
  }

  const service = String(config.service);
  const provider = isRecord(config.provider) ? config.provider : {};
  const providerEnv = isRecord(provider.environment) ? provider.environment : {};
  const functionBlocks = Array.isArray(config.functions)
    ? config.functions.filter(isRecord)
    : isRecord(config.functions)
      ? [config.functions]
      : [];

  const functions: LocalFunction[] = [];
  for (const block of functionBlocks) {
    for (const [key, definition] of Object.entries(block)) {
      if (!isRecord(definition)) continue;
      functions.push(
        toLocalFunction(key, definition, { projectRoot, service, options, providerEnv }),
      );
    }
  }
  return { service, stage: options.stage, region: options.region, functions };
};

const toLocalFunction = (
  key: string,
  definition: Record<string, unknown>,
  context: {
    projectRoot: string;
    service: string;
    options: ReadOptions;
    providerEnv: Record<string, unknown>;
  },
): LocalFunction => {
  const handler = String(definition.handler);
  const dot = handler.lastIndexOf('.');
  const modulePath = resolve(context.projectRoot, `${handler.slice(0, dot)}.ts`);
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    ...context.providerEnv,
    ...(isRecord(definition.environment) ? definition.environment : {}),
  })) {
    environment[name] = String(value);
  }
  const events = Array.isArray(definition.events) ? definition.events.filter(isRecord) : [];
  const eventPatterns: Record<string, unknown>[] = [];
  const schedules: string[] = [];
  for (const event of events) {
    const bridge = event.eventBridge;
    if (isRecord(bridge) && isRecord(bridge.pattern)) eventPatterns.push(bridge.pattern);
    if (isRecord(bridge) && typeof bridge.schedule === 'string') schedules.push(bridge.schedule);
    const schedule = event.schedule;
    if (typeof schedule === 'string') schedules.push(schedule);
    if (isRecord(schedule) && typeof schedule.rate === 'string') schedules.push(schedule.rate);
  }
  return {
    key,
    lambdaName: `${context.service}-${context.options.stage}-${key}`,
    modulePath,
    exportName: handler.slice(dot + 1),
    timeoutSeconds: typeof definition.timeout === 'number' ? definition.timeout : 6,
    environment,
    eventPatterns,
    schedules,
  };
};

const loadYaml = (path: string): Yaml => parse(readFileSync(path, 'utf8'));

class VariableResolver {
  readonly #root: Record<string, unknown>;
  readonly #projectRoot: string;
  readonly #options: ReadOptions;

  public constructor(root: Record<string, unknown>, projectRoot: string, options: ReadOptions) {
    this.#root = root;
    this.#projectRoot = projectRoot;
    this.#options = options;
  }

  /** Resolves every variable in `node`; `baseDir` is where `${file()}` paths start. */
  public resolve(node: Yaml, baseDir: string): Yaml {
    if (typeof node === 'string') return this.#resolveString(node, baseDir);
    if (Array.isArray(node)) return node.map((item) => this.resolve(item, baseDir));
    if (isRecord(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        // Deployment-only: a function's VPC comes from deploy/settings.cjs at package time, and
        // the local cloud runs every function on this host.
        if (key === 'vpc') continue;
        out[key] = this.resolve(value, baseDir);
      }
      return out;
    }
    return node;
  }

  #resolveString(text: string, baseDir: string): Yaml {
    let current: Yaml = text;
    // Innermost variables first, so `${param:x, '${aws:region}'}` works as in the framework.
    for (let guard = 0; typeof current === 'string' && VARIABLE.test(current); guard += 1) {
      if (guard > 50) throw new Error(`variable nesting too deep in "${text}"`);
      const match = VARIABLE.exec(current);
      if (!match) break;
      const [whole, expression = ''] = match;
      const value = this.#evaluate(expression.trim(), baseDir);
      if (whole === current) {
        current = value;
      } else {
        current = current.replace(whole, String(value));
      }
    }
    return current;
  }

  #evaluate(expression: string, baseDir: string): Yaml {
    const fileMatch = /^file\((.+)\)$/.exec(expression);
    if (fileMatch?.[1]) {
      const path = resolve(baseDir, fileMatch[1].trim());
      return this.resolve(loadYaml(path), dirname(path));
    }
    const [source = '', ...rest] = splitDefault(expression);
    const fallback = rest.length > 0 ? unquote(rest.join(',').trim()) : undefined;
    const colon = source.indexOf(':');
    const kind = source.slice(0, colon);
    const address = source.slice(colon + 1);
    const found = this.#lookup(kind, address);
    if (found !== undefined) return found;
    if (fallback !== undefined) return fallback;
    throw new Error(`serverless.yml variable \${${expression}} has no value locally`);
  }

  #lookup(kind: string, address: string): Yaml {
    switch (kind) {
      case 'self':
        return this.resolve(
          address
            .split('.')
            .reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), this.#root),
          this.#projectRoot,
        );
      case 'opt':
        return address === 'stage'
          ? this.#options.stage
          : address === 'region'
            ? this.#options.region
            : undefined;
      case 'sls':
        return address === 'stage' ? this.#options.stage : undefined;
      case 'aws':
        return address === 'region'
          ? this.#options.region
          : address === 'accountId'
            ? this.#options.accountId
            : undefined;
      case 'param':
        return this.#options.params?.[address];
      default:
        throw new Error(`serverless.yml variable source "${kind}" is not supported locally`);
    }
  }
}

/** Splits `source, 'default'` at the first top-level comma. */
const splitDefault = (expression: string): string[] => {
  const comma = expression.indexOf(',');
  return comma < 0
    ? [expression]
    : [expression.slice(0, comma).trim(), expression.slice(comma + 1)];
};

const unquote = (text: string): string => text.replace(/^(['"])(.*)\1$/s, '$2');
