/**
 * Crash at every point: for one engine, strategy and rotation shape, a dry run numbers the
 * points of a rotation (every Secrets Manager call and SQL statement the function makes); then,
 * for each point and each side of it (before, after), a rotation is crashed there (the
 * function's environment is killed: nothing after the point runs) and resumed as the service
 * would: the crashed step is retried, then RotateSecret is called until the rotation completes,
 * then once more for a new rotation. An application logs in with AWSCURRENT all along; the end
 * state is checked (invariants.ts).
 */
import type { Point } from './interceptor.js';
import { endStateViolations, LoginMonitor } from './invariants.js';
import type { EngineKey, Rig } from './rig.js';
import { createTarget, type StrategyKey, type Target } from './targets.js';

/**
 * The shapes a rotation takes: single user; alternating users creating the clone (first
 * rotation), going back to the original, and going to an existing clone.
 */
export type Shape = 'single' | 'create-clone' | 'to-original' | 'to-clone';

export interface Scenario {
  readonly engine: EngineKey;
  readonly strategy: StrategyKey;
  readonly shape: Shape;
}

export const SCENARIOS: readonly Scenario[] = (['postgres', 'mariadb'] as const).flatMap(
  (engine) => [
    { engine, strategy: 'single', shape: 'single' } as const,
    { engine, strategy: 'alternating', shape: 'create-clone' } as const,
    { engine, strategy: 'alternating', shape: 'to-original' } as const,
    { engine, strategy: 'alternating', shape: 'to-clone' } as const,
  ],
);

export type Side = 'before' | 'after';

/** What happened at one crash point. */
export interface CrashResult {
  readonly scenario: Scenario;
  readonly index: number;
  readonly side: Side;
  readonly point: Point | undefined;
  /** The point the crash hit differs from the dry run's (the rotation took another path). */
  readonly diverged: boolean;
  readonly crashed: boolean;
  readonly converged: boolean;
  /** RotateSecret calls needed after the step retry until a rotation completed. */
  readonly rotateCalls: number;
  readonly logins: number;
  readonly violations: readonly string[];
}

/** Keeps one target per scenario in the state its shape needs, reusing it where it can. */
export class Targets {
  readonly #rig: Rig;
  readonly #kept = new Map<string, Target>();

  public constructor(rig: Rig) {
    this.#rig = rig;
  }

  /** A target about to rotate with `scenario.shape`. */
  public async ready(scenario: Scenario): Promise<Target> {
    const { engine, strategy, shape } = scenario;
    // The clone must not exist yet: a new user every time.
    if (shape === 'create-clone') return createTarget(this.#rig, engine, strategy);
    const key = `${engine}/${strategy}`;
    let target = this.#kept.get(key);
    if (!target) {
      target = await createTarget(this.#rig, engine, strategy);
      // Alternating: one rotation first, so the clone exists from here on.
      if (strategy === 'alternating') await this.#rotate(target);
      this.#kept.set(key, target);
    }
    if (shape === 'single') return target;
    // Alternating: one uncounted rotation when the current user is not where the shape starts.
    const current = await this.#rig.read(target.arn, 'AWSCURRENT');
    const onClone = current?.username.endsWith('_clone') ?? false;
    if (onClone !== (shape === 'to-original')) await this.#rotate(target);
    return target;
  }

  async #rotate(target: Target): Promise<void> {
    const outcome = await this.#rig.rotate(target.arn);
    if (outcome.failedStep) {
      throw new Error(`setting up ${target.engine} ${target.strategy}: ${outcome.error ?? ''}`);
    }
  }
}

/** The points of one rotation of `scenario`, from a dry run that crashes nothing. */
export const enumeratePoints = async (
  rig: Rig,
  targets: Targets,
  scenario: Scenario,
): Promise<readonly Point[]> => {
  const target = await targets.ready(scenario);
  rig.interceptor.arm({ mode: 'count' });
  const outcome = await rig.rotate(target.arn);
  rig.interceptor.disarm();
  if (outcome.failedStep) {
    throw new Error(
      `dry run of ${describe(scenario)} failed in ${outcome.failedStep}: ${outcome.error ?? ''}`,
    );
  }
  return [...rig.interceptor.points()];
};

export const describe = (scenario: Scenario): string =>
  `${scenario.engine} ${scenario.strategy}${scenario.shape === 'single' ? '' : ` (${scenario.shape})`}`;

const MAX_ROTATE_CALLS = 4;

/** Crashes one rotation of `scenario` at point `index`, on `side`, and resumes it. */
export const crashAt = async (
  rig: Rig,
  targets: Targets,
  scenario: Scenario,
  expected: readonly Point[],
  index: number,
  side: Side,
): Promise<CrashResult> => {
  const target = await targets.ready(scenario);
  const monitor = new LoginMonitor(rig, target).start();
  const crashesBefore = rig.crashes;
  rig.interceptor.arm({
    mode: 'act',
    at: index,
    action: side === 'before' ? 'crash-before' : 'crash-after',
  });
  const first = await rig.rotate(target.arn);
  await rig.crashSettled();
  rig.interceptor.disarm();
  const point = rig.interceptor.acted();
  const crashed = rig.crashes > crashesBefore;
  const wanted = expected[index];
  const diverged =
    point === undefined ||
    wanted === undefined ||
    point.label !== wanted.label ||
    point.step !== wanted.step;

  // The service retries the step that failed, with the very same event.
  let rotateCalls = 0;
  let completed = first.failedStep === undefined;
  const event = rig.lastRotateEvent();
  if (!completed && event !== undefined) await rig.invokeStep(event);
  // Then RotateSecret: it re-runs an incomplete rotation, or finds none and starts a new one.
  while (!completed && rotateCalls < MAX_ROTATE_CALLS) {
    rotateCalls += 1;
    completed = (await rig.rotate(target.arn)).failedStep === undefined;
  }
  // And one new rotation from whatever state that left.
  const before = await rig.read(target.arn, 'AWSCURRENT');
  const fresh = await rig.rotate(target.arn);
  const converged = completed && fresh.failedStep === undefined;
  const watched = await monitor.stop();
  const violations = [...watched.violations];
  if (!converged)
    violations.push(`did not converge: ${fresh.failedStep ?? ''} ${fresh.error ?? ''}`);
  else violations.push(...(await endStateViolations(rig, target, before?.versionId ?? '')));
  return {
    scenario,
    index,
    side,
    point,
    diverged,
    crashed,
    converged,
    rotateCalls,
    logins: watched.logins,
    violations,
  };
};
