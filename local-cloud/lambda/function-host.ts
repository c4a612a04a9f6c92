/**
 * Runs the project's Lambda functions locally, as the service would: each function in each Region
 * gets warm execution environments (child processes, see runtime-bootstrap.ts) with the
 * environment that serverless.yml declares plus the Region and the local endpoints, so the
 * handlers run unchanged and reach the local cloud only through the SDK's standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { tapText } from '#local-cloud/taps.js';
import type { FunctionInvoker } from '#local-cloud/types.js';
import type { InvocationError, InvocationReply, InvocationRequest } from './protocol.js';
import type { LocalFunction, ServerlessProject } from './serverless-config.js';

export interface FunctionHostOptions {
  readonly projectRoot: string;
  readonly project: ServerlessProject;
  readonly accountId: string;
  /** Variables every execution environment gets, e.g. `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly environment: Readonly<Record<string, string>>;
  /** Receives every line a function prints (its logs), tagged with the function's name. */
  readonly onOutput?: (functionName: string, line: string) => void;
  /** Execution environments per function and Region that may run at once; default 4. */
  readonly maxConcurrency?: number;
}

/** The error a failed invocation rejects with: the function's own error name and message. */
export class FunctionError extends Error {
  public readonly functionName: string;

  public constructor(functionName: string, name: string, message: string) {
    super(message);
    this.name = name;
    this.functionName = functionName;
  }
}

/** Per-invocation details beyond the payload (the Invoke API's headers). */
export interface InvocationOptions {
  /** The caller's ClientContext (decoded JSON), passed as `context.clientContext`. */
  readonly clientContext?: unknown;
}

/** How one invocation ended, with what the function printed meanwhile (its tail). */
export type InvocationResult =
  | {
      readonly ok: true;
      readonly requestId: string;
      readonly payload: unknown;
      readonly log: string;
      readonly durationMs: number;
    }
  | {
      readonly ok: false;
      readonly requestId: string;
      readonly error: InvocationError;
      readonly log: string;
      readonly durationMs: number;
    };

interface Container {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  busy: boolean;
  /** Killed or exited: never handed another invocation. */
  dead: boolean;
  readonly pending: Map<string, (reply: InvocationReply) => void>;
}

const BOOTSTRAP = fileURLToPath(new URL('./runtime-bootstrap.ts', import.meta.url));

/** Sees every invocation as it starts (function, payload as sent, Region). */
export type InvocationListener = (fn: LocalFunction, payload: unknown, region: string) => void;

const isAlive = (container: Container): boolean =>
  container.child.exitCode === null && container.child.signalCode === null && !container.dead;

/** Invokes local functions by ARN or name; one pool of warm environments per function and Region. */
export class FunctionHost {
  readonly #options: FunctionHostOptions;
  readonly #pools = new Map<string, Container[]>();
  readonly #waiters = new Map<string, (() => void)[]>();
  readonly #listeners = new Set<InvocationListener>();
  #stopped = false;

  public constructor(options: FunctionHostOptions) {
    this.#options = options;
  }

  /** The local function an ARN (`arn:aws:lambda:<region>:<account>:function:<name>`) or name names. */
  public functionFor(arnOrName: string): LocalFunction {
    const name = arnOrName.startsWith('arn:') ? (arnOrName.split(':')[6] ?? '') : arnOrName;
    const found = this.#options.project.functions.find(
      (fn) => fn.lambdaName === name || fn.key === name,
    );
    if (!found) throw new Error(`no local function named ${name} in serverless.yml`);
    return found;
  }

  /** The ARN a function has in `region`. */
  public arnOf(key: string, region: string): string {
    const fn = this.functionFor(key);
    return `arn:aws:lambda:${region}:${this.#options.accountId}:function:${fn.lambdaName}`;
  }

  /** Calls `listener` as each invocation starts; returns the unsubscribe function. */
  public onInvoke(listener: InvocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Crashes the execution environments of a function in a Region that are running an
   * invocation (SIGKILL, as when a runtime dies): their invocations fail with
   * Runtime.ExitError and nothing more of them runs; the next invocation gets a fresh
   * environment. Resolves how many were crashed, once they have exited.
   */
  public async crash(arnOrName: string, region: string): Promise<number> {
    const fn = this.functionFor(arnOrName);
    const pool = this.#pools.get(this.#poolKey(fn, region)) ?? [];
    const running = pool.filter((container) => container.busy && isAlive(container));
    await Promise.all(running.map((container) => killChild(container)));
    return running.length;
  }

  /**
   * Starts execution environments until `count` are idle and warm (like provisioned
   * concurrency), so the next invocations skip the cold start. Resolves when they are ready.
   */
  public async prewarm(arnOrName: string, region: string, count = 1): Promise<void> {
    const fn = this.functionFor(arnOrName);
    const key = this.#poolKey(fn, region);
    const pool = this.#pools.get(key) ?? [];
    this.#pools.set(key, pool);
    const idle = pool.filter((container) => !container.busy && isAlive(container)).length;
    const limit = this.#options.maxConcurrency ?? 4;
    const spawned: Container[] = [];
    for (let n = idle; n < count && pool.length < limit; n += 1) {
      const container = this.#spawn(fn, region);
      pool.push(container);
      spawned.push(container);
    }
    await Promise.all(spawned.map((container) => container.ready.catch(() => undefined)));
  }

  /** Every function of the project (the same set in every Region). */
  public get functions(): readonly LocalFunction[] {
    return this.#options.project.functions;
  }

  /** Invokes synchronously (RequestResponse); rejects with FunctionError when the function fails. */
  public async invoke(arnOrName: string, payload: unknown, region: string): Promise<unknown> {
    const fn = this.functionFor(arnOrName);
    const result = await this.run(fn, payload, region);
    if (result.ok) return result.payload;
    throw new FunctionError(fn.key, result.error.name, result.error.message);
  }

  /**
   * Runs one invocation and reports how it ended, never rejecting for the function's own failure
   * (an error, a failed init, a timeout): what the Invoke API needs to answer as Lambda does.
   */
  public async run(
    fn: LocalFunction,
    payload: unknown,
    region: string,
    options: InvocationOptions = {},
  ): Promise<InvocationResult> {
    const requestId = randomUUID();
    const started = Date.now();
    let container: Container;
    try {
      // After stop() no environment starts again (a late asynchronous retry, for one).
      if (this.#stopped) throw new FunctionError(fn.key, 'Runtime.Stopped', 'the host is stopped');
      container = await this.#acquire(fn, region);
      for (const listener of this.#listeners) listener(fn, payload, region);
    } catch (error) {
      // As Lambda does after a failed init: the next invocation tries a fresh environment.
      return {
        ok: false,
        requestId,
        error: {
          name: error instanceof Error ? error.name : 'Runtime.Unknown',
          message: error instanceof Error ? error.message : String(error),
        },
        log: '',
        durationMs: Date.now() - started,
      };
    }
    try {
      const reply = await this.#run(fn, container, payload, region, requestId, options);
      const durationMs = Date.now() - started;
      return reply.ok
        ? { ok: true, requestId, payload: reply.result, log: reply.log ?? '', durationMs }
        : { ok: false, requestId, error: reply.error, log: reply.log ?? '', durationMs };
    } finally {
      container.busy = false;
      this.#waiters.get(this.#poolKey(fn, region))?.shift()?.();
    }
  }

  /** A FunctionInvoker for the local cloud's rotation runner. */
  public invoker(): FunctionInvoker {
    return async (functionArn, payload, region) => {
      await this.invoke(functionArn, payload, region);
    };
  }

  /** Ends every execution environment. */
  public async stop(): Promise<void> {
    this.#stopped = true;
    const all = [...this.#pools.values()].flat();
    this.#pools.clear();
    for (const waiters of this.#waiters.values()) for (const wake of waiters.splice(0)) wake();
    await Promise.all(all.map((container) => stopChild(container.child)));
  }

  #poolKey(fn: LocalFunction, region: string): string {
    return `${fn.lambdaName}@${region}`;
  }

  async #acquire(fn: LocalFunction, region: string): Promise<Container> {
    const key = this.#poolKey(fn, region);
    const pool = this.#pools.get(key) ?? [];
    this.#pools.set(key, pool);
    for (;;) {
      if (this.#stopped) throw new FunctionError(fn.key, 'Runtime.Stopped', 'the host is stopped');
      // Environments that crashed or were stopped leave the pool.
      for (let i = pool.length - 1; i >= 0; i -= 1) {
        const container = pool[i];
        if (container && !container.busy && !isAlive(container)) pool.splice(i, 1);
      }
      const idle = pool.find((container) => !container.busy && isAlive(container));
      if (idle) {
        idle.busy = true;
        await this.#ready(idle, pool, key);
        return idle;
      }
      if (pool.length < (this.#options.maxConcurrency ?? 4)) {
        const container = this.#spawn(fn, region);
        container.busy = true;
        pool.push(container);
        await this.#ready(container, pool, key);
        return container;
      }
      await new Promise<void>((resolve) => {
        const waiters = this.#waiters.get(key) ?? [];
        waiters.push(resolve);
        this.#waiters.set(key, waiters);
      });
    }
  }

  /** Waits for an environment's init; one that failed leaves the pool (and frees its place). */
  async #ready(container: Container, pool: Container[], key: string): Promise<void> {
    try {
      await container.ready;
    } catch (error) {
      pool.splice(pool.indexOf(container), 1);
      void stopChild(container.child);
      this.#waiters.get(key)?.shift()?.();
      throw error;
    }
  }

  #spawn(fn: LocalFunction, region: string): Container {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      TZ: 'UTC',
      // Each function signs as itself, so the request log can tell callers apart (its role, in AWS).
      AWS_ACCESS_KEY_ID: `local-${fn.key}`,
      AWS_SECRET_ACCESS_KEY: 'local',
      ...fn.environment,
      ...this.#options.environment,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: fn.lambdaName,
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
      ROTASYNC_LOCAL_HANDLER_MODULE: fn.modulePath,
      ROTASYNC_LOCAL_HANDLER_EXPORT: fn.exportName,
    };
    const child = fork(BOOTSTRAP, [], {
      cwd: this.#options.projectRoot,
      env,
      execArgv: ['--import', 'tsx/esm', '--enable-source-maps'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const pending = new Map<string, (reply: InvocationReply) => void>();
    const output = this.#options.onOutput;
    const source = `${fn.key} in ${region}`;
    const emit = (line: string): void => {
      if (!line.trim()) return;
      tapText('function-output', source, () => line);
      output?.(fn.key, line);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) emit(line);
      });
      // A last line without a newline (a process that wrote and died) is output too.
      stream?.on('end', () => emit(buffered));
    }
    const ready = new Promise<void>((resolve, reject) => {
      pending.set('ready', (reply) =>
        reply.ok
          ? resolve()
          : reject(
              new FunctionError(fn.key, reply.error.name, `init failed: ${reply.error.message}`),
            ),
      );
      child.once('exit', (code) =>
        reject(
          new FunctionError(fn.key, 'Runtime.ExitError', `environment exited with code ${code}`),
        ),
      );
    });
    ready.catch(() => undefined);
    child.on('message', (reply: InvocationReply) => {
      // Errors and results leave the function: they are output as much as its logs are.
      tapText('function-reply', source, () => JSON.stringify(reply));
      const settle = pending.get(reply.id);
      pending.delete(reply.id);
      settle?.(reply);
    });
    child.on('exit', () => {
      container.dead = true;
      for (const [id, settle] of pending) {
        settle({
          id,
          ok: false,
          error: { name: 'Runtime.ExitError', message: 'environment exited' },
        });
      }
      pending.clear();
    });
    const container: Container = { child, ready, busy: false, dead: false, pending };
    return container;
  }

  async #run(
    fn: LocalFunction,
    container: Container,
    payload: unknown,
    region: string,
    id: string,
    options: InvocationOptions,
  ): Promise<InvocationReply> {
    const timeoutMs = fn.timeoutSeconds * 1000;
    const request: InvocationRequest = {
      id,
      functionName: fn.lambdaName,
      functionArn: this.arnOf(fn.key, region),
      payload,
      deadline: Date.now() + timeoutMs,
      ...(options.clientContext === undefined ? {} : { clientContext: options.clientContext }),
    };
    const reply = await new Promise<InvocationReply>((resolve) => {
      // As Lambda does: a function that overruns its timeout is stopped, its environment discarded.
      const timer = setTimeout(() => {
        container.pending.delete(id);
        void stopChild(container.child);
        resolve({
          id,
          ok: false,
          error: {
            name: 'Sandbox.Timedout',
            message: `RequestId: ${id} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
          },
        });
      }, timeoutMs);
      container.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      container.child.send(request);
    });
    return reply;
  }
}

/** SIGKILL: the environment dies at once, mid-invocation, as a crashed runtime does. */
const killChild = async (container: Container): Promise<void> => {
  container.dead = true;
  const { child } = container;
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
};

const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
};
