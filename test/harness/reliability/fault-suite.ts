/**
 * Rotations under faults, each resumed as the service would (RotateSecret again until the
 * rotation completes) while an application logs in with AWSCURRENT, and checked at the end:
 * - Secrets Manager throttling (20%), HTTP 500 (5%) and added latency on every call;
 * - the database restarting mid-rotation (every connection dropped as a statement is sent, new
 *   ones refused for 2 s);
 * - the database refusing connections for 3 s while a rotation starts;
 * - an SQL statement that hangs: one the server never receives (the client-side timeout ends
 *   it) and one waiting on a lock (the server's statement timeout ends it).
 */
import { mariadbConnection, pgClient } from '#local-cloud/databases/clients.js';
import type { Point } from './interceptor.js';
import { endStateViolations, LoginMonitor } from './invariants.js';
import type { EngineKey, Rig } from './rig.js';
import { createTarget, type StrategyKey, type Target } from './targets.js';

export interface FaultOutcome {
  readonly name: string;
  readonly rotations: number;
  readonly completed: number;
  /** RotateSecret calls made, the first of each rotation included. */
  readonly rotateCalls: number;
  /** Faults the rotations met: injected Secrets Manager errors, or database events. */
  readonly faults: number;
  readonly logins: number;
  readonly violations: readonly string[];
  /** Wall-clock seconds the scenario took (a figure for the table, never asserted). */
  readonly seconds?: number;
}

export interface FaultSuiteOptions {
  readonly rotationsUnderFaults: number;
  /** False when the servers are shared with other tests: no lock on MariaDB's privilege table. */
  readonly exclusiveServers?: boolean;
  /**
   * `every` (default): each fault on every engine and strategy; `one`: each fault on one of
   * them, a different one per fault (the reduced run in `npm test`).
   */
  readonly breadth?: 'every' | 'one';
  /** The statement waiting on a lock (the longest fault); default true. */
  readonly withLockWaits?: boolean;
  /** Runs only the scenarios whose name contains this (case-insensitive). */
  readonly only?: string;
  readonly progress?: (line: string) => void;
}

const MAX_ROTATE_CALLS = 8;

/** Rotates until a rotation completes; resolves the calls made and whether it completed. */
const rotateUntilDone = async (
  rig: Rig,
  target: Target,
): Promise<{ calls: number; completed: boolean; lastError: string }> => {
  let lastError = '';
  for (let calls = 1; calls <= MAX_ROTATE_CALLS; calls += 1) {
    const outcome = await rig.rotate(target.arn);
    if (outcome.failedStep === undefined) return { calls, completed: true, lastError };
    lastError = `${outcome.failedStep}: ${outcome.error ?? ''}`;
  }
  return { calls: MAX_ROTATE_CALLS, completed: false, lastError };
};

/** One rotation met by a fault: `disturb` arranges it, then the rotation runs and resumes. */
const faultedRotation = async (
  rig: Rig,
  target: Target,
  disturb: () => Promise<{ faults: number; recovered: () => Promise<void> }>,
): Promise<Omit<FaultOutcome, 'name'>> => {
  const monitor = new LoginMonitor(rig, target).start();
  const before = await rig.read(target.arn, 'AWSCURRENT');
  const { faults, recovered } = await disturb();
  const first = await rig.rotate(target.arn);
  rig.interceptor.disarm();
  await recovered();
  let calls = 1;
  let completed = first.failedStep === undefined;
  let lastError = '';
  if (!completed) {
    const resumed = await rotateUntilDone(rig, target);
    calls += resumed.calls;
    completed = resumed.completed;
    lastError = resumed.lastError;
  }
  const watched = await monitor.stop();
  const violations = [...watched.violations];
  if (!completed) violations.push(`did not converge (${lastError})`);
  else violations.push(...(await endStateViolations(rig, target, before?.versionId ?? '')));
  return {
    rotations: 1,
    completed: completed ? 1 : 0,
    rotateCalls: calls,
    faults,
    logins: watched.logins,
    violations,
  };
};

const firstSetSecretStatement = (point: Point): boolean =>
  point.step === 'setSecret' && point.kind === 'sql';

const sum = (name: string, parts: readonly Omit<FaultOutcome, 'name'>[]): FaultOutcome => ({
  name,
  rotations: parts.reduce((n, part) => n + part.rotations, 0),
  completed: parts.reduce((n, part) => n + part.completed, 0),
  rotateCalls: parts.reduce((n, part) => n + part.rotateCalls, 0),
  faults: parts.reduce((n, part) => n + part.faults, 0),
  logins: parts.reduce((n, part) => n + part.logins, 0),
  violations: parts.flatMap((part) => part.violations),
});

const COMBINATIONS: readonly [EngineKey, StrategyKey][] = [
  ['postgres', 'single'],
  ['postgres', 'alternating'],
  ['mariadb', 'single'],
  ['mariadb', 'alternating'],
];

/** `count` rotations spread over every engine and strategy, under Secrets Manager faults. */
const underServiceFaults = async (rig: Rig, count: number): Promise<FaultOutcome> => {
  const targets: Target[] = [];
  for (const [engine, strategy] of COMBINATIONS)
    targets.push(await createTarget(rig, engine, strategy));
  const isFault = (outcome: string) =>
    outcome === 'ThrottlingException' || outcome === 'InternalServiceError';
  const functionFaults = () =>
    rig.stack.cloud.requestLog
      .entries()
      .filter((entry) => entry.caller === 'local-rotate' && isFault(entry.outcome)).length;
  const faultsBefore = functionFaults();
  const monitors = targets.map((target) => new LoginMonitor(rig, target).start());
  rig.stack.cloud.faults.set({ throttleRate: 0.2, serverErrorRate: 0.05, latencyMs: 25 });
  const parts: Omit<FaultOutcome, 'name'>[] = [];
  try {
    for (let n = 0; n < count; n += 1) {
      const target = targets[n % targets.length] as Target;
      const before = await rig.read(target.arn, 'AWSCURRENT');
      const { calls, completed, lastError } = await rotateUntilDone(rig, target);
      parts.push({
        rotations: 1,
        completed: completed ? 1 : 0,
        rotateCalls: calls,
        faults: 0,
        logins: 0,
        violations: completed
          ? await endStateViolations(rig, target, before?.versionId ?? '')
          : [`did not converge (${lastError})`],
      });
    }
  } finally {
    rig.stack.cloud.faults.clear();
  }
  const watched = await Promise.all(monitors.map((monitor) => monitor.stop()));
  return {
    ...sum('Secrets Manager: 20% throttled, 5% HTTP 500, +25 ms', parts),
    faults: functionFaults() - faultsBefore,
    logins: watched.reduce((n, w) => n + w.logins, 0),
    violations: [
      ...parts.flatMap((part) => part.violations),
      ...watched.flatMap((w) => w.violations),
    ],
  };
};

/**
 * The database restarts just as setSecret sends its first statement (which never arrives): a
 * real restart where the rig owns the servers, else every connection dropped and none accepted
 * for 2 s, which is what a restart looks like from the function.
 */
const restartMidRotation = (rig: Rig, target: Target) =>
  faultedRotation(rig, target, async () => {
    let outage: Promise<void> | undefined;
    rig.interceptor.arm({
      mode: 'act',
      at: firstSetSecretStatement,
      action: 'hang',
      onAct: () => {
        outage = rig.restartDatabase(target.engine);
      },
    });
    // Asked once the first attempt is over: by then the database went down, or never did.
    return { faults: 1, recovered: async () => outage };
  });

/** Nothing listens for 3 s as the rotation starts. */
const refusingConnections = (rig: Rig, target: Target) =>
  faultedRotation(rig, target, async () => {
    const outage = rig.proxyFor(target.engine).outage(3_000);
    return { faults: 1, recovered: () => outage };
  });

/** setSecret's first statement never reaches the server: the client gives up on it. */
const statementLostInTransit = (rig: Rig, target: Target) =>
  faultedRotation(rig, target, async () => {
    rig.interceptor.arm({ mode: 'act', at: firstSetSecretStatement, action: 'hang' });
    return { faults: 1, recovered: async () => undefined };
  });

/** The user's row is locked by another transaction: the server's statement timeout fires. */
const statementWaitingOnLock = (rig: Rig, target: Target) =>
  faultedRotation(rig, target, async () => {
    const server = rig.servers[target.engine];
    if (target.engine === 'postgres') {
      const blocker = pgClient(server, server.adminUser, server.adminPassword);
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query(
        `ALTER ROLE ${blocker.escapeIdentifier(target.base)} CONNECTION LIMIT 50`,
      );
      // Held for the whole first attempt (longer than the step's budget), then released.
      const released = new Promise<void>((resolve) => setTimeout(resolve, 8_000)).then(async () => {
        await blocker.query('ROLLBACK');
        await blocker.end();
      });
      return { faults: 1, recovered: () => released };
    }
    const blocker = await mariadbConnection(server, server.adminUser, server.adminPassword);
    await blocker.query('LOCK TABLES mysql.global_priv WRITE');
    const released = new Promise<void>((resolve) => setTimeout(resolve, 8_000)).then(async () => {
      await blocker.query('UNLOCK TABLES');
      await blocker.end();
    });
    return { faults: 1, recovered: () => released };
  });

/** Every fault scenario, each on fresh users of every engine and strategy. */
export const runFaultSuite = async (
  rig: Rig,
  options: FaultSuiteOptions,
): Promise<FaultOutcome[]> => {
  const progress = options.progress ?? (() => undefined);
  const outcomes: FaultOutcome[] = [];
  let started = Date.now();
  const record = (measured: FaultOutcome): void => {
    const outcome = { ...measured, seconds: (Date.now() - started) / 1000 };
    started = Date.now();
    outcomes.push(outcome);
    progress(
      `${outcome.name}: ${outcome.completed}/${outcome.rotations} rotations completed in ${outcome.seconds.toFixed(0)} s, ${outcome.rotateCalls} RotateSecret calls, ${outcome.faults} faults, ${outcome.violations.length} violations${
        outcome.violations.length > 0 ? ` (${outcome.violations.join('; ')})` : ''
      }`,
    );
  };
  const wanted = (name: string): boolean =>
    options.only === undefined || name.toLowerCase().includes(options.only.toLowerCase());
  if (options.rotationsUnderFaults > 0 && wanted('Secrets Manager')) {
    record(await underServiceFaults(rig, options.rotationsUnderFaults));
  }
  let turn = 0;
  const each = async (
    name: string,
    run: (rig: Rig, target: Target) => Promise<Omit<FaultOutcome, 'name'>>,
    allowed: readonly [EngineKey, StrategyKey][] = COMBINATIONS,
  ): Promise<void> => {
    if (!wanted(name)) return;
    const combinations =
      options.breadth === 'one' ? allowed.slice(turn % allowed.length).slice(0, 1) : allowed;
    turn += 1;
    const parts: Omit<FaultOutcome, 'name'>[] = [];
    for (const [engine, strategy] of combinations) {
      parts.push(await run(rig, await createTarget(rig, engine, strategy)));
    }
    record(sum(name, parts));
  };
  const restartKind = COMBINATIONS.every(([engine]) => rig.restartsForReal(engine))
    ? 'server restarted'
    : 'connections dropped, down 2 s';
  await each(`Database restarts mid-rotation (${restartKind})`, restartMidRotation);
  await each('Database refuses connections (3 s)', refusingConnections);
  await each('SQL statement lost in transit (client timeout)', statementLostInTransit);
  if (options.withLockWaits === false) return outcomes;
  await each(
    'SQL statement waits on a lock (server timeout)',
    statementWaitingOnLock,
    options.exclusiveServers === false
      ? COMBINATIONS.filter(([engine]) => engine === 'postgres')
      : COMBINATIONS,
  );
  return outcomes;
};
