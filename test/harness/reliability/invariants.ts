/**
 * The invariants the harness holds every rotation to (issue 9):
 * - alternating users never refuse AWSCURRENT, at any instant;
 * - a single user always has AWSCURRENT or AWSPENDING working, and converges;
 * - at the end: exactly one AWSCURRENT, which logs in; AWSPREVIOUS is the version current before;
 *   no rotation left pending; every host account has the password of its version; the clone
 *   has exactly the original's privileges.
 * The first is watched by an application-like loop that logs in with AWSCURRENT while the
 * rotation runs; the rest are checked at the end. Violations name the invariant, never a value.
 */
import type { Rig } from './rig.js';
import { cloneDifferences, hostAccountsWithout, type Target, tryLogin } from './targets.js';

/** Logs in as an application would, again and again, while a rotation runs. */
export class LoginMonitor {
  readonly #rig: Rig;
  readonly #target: Target;
  readonly #violations: string[] = [];
  #running = true;
  #loop: Promise<void> | undefined;
  #logins = 0;

  public constructor(rig: Rig, target: Target) {
    this.#rig = rig;
    this.#target = target;
  }

  public start(): this {
    this.#loop = this.#run();
    return this;
  }

  /** Stops the loop; resolves the logins tried and the violations seen. */
  public async stop(): Promise<{ logins: number; violations: string[] }> {
    this.#running = false;
    await this.#loop;
    return { logins: this.#logins, violations: this.#violations };
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const verdict = await this.#check();
      if (verdict !== undefined) this.#violations.push(verdict);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * One application login: AWSCURRENT (single user: or AWSPENDING). The secret is read again
   * and the login retried twice before a refusal counts: a read and a login are not atomic, and
   * a rotation may move the stages in between.
   */
  async #check(): Promise<string | undefined> {
    const { engine, arn, strategy } = this.#target;
    let last = '';
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = await this.#rig.read(arn, 'AWSCURRENT');
      if (!current) return 'no AWSCURRENT version';
      this.#logins += 1;
      const verdict = await tryLogin(this.#rig, engine, current.username, current.password);
      if (verdict !== 'refused') return undefined;
      if (strategy === 'single') {
        const pending = await this.#rig.read(arn, 'AWSPENDING');
        if (pending && pending.versionId !== current.versionId) {
          this.#logins += 1;
          const pendingVerdict = await tryLogin(
            this.#rig,
            engine,
            pending.username,
            pending.password,
          );
          if (pendingVerdict !== 'refused') return undefined;
          last = 'neither AWSCURRENT nor AWSPENDING logs in';
          continue;
        }
        last = 'AWSCURRENT refused and no AWSPENDING';
        continue;
      }
      last = 'alternating users: AWSCURRENT refused';
    }
    return last;
  }
}

/**
 * The end-state invariants, after a rotation converged: `previousVersion` is the version that
 * was AWSCURRENT before the last rotation.
 */
export const endStateViolations = async (
  rig: Rig,
  target: Target,
  previousVersion: string,
): Promise<string[]> => {
  const violations: string[] = [];
  const stages = await rig.stages(target.arn);
  const holders = (stage: string) =>
    Object.entries(stages)
      .filter(([, labels]) => labels.includes(stage))
      .map(([id]) => id);
  const currentIds = holders('AWSCURRENT');
  if (currentIds.length !== 1) violations.push(`${currentIds.length} versions are AWSCURRENT`);
  const pendingIds = holders('AWSPENDING').filter((id) => !currentIds.includes(id));
  if (pendingIds.length > 0) violations.push('a rotation is left pending');
  const previousIds = holders('AWSPREVIOUS');
  if (previousIds.length !== 1 || previousIds[0] !== previousVersion) {
    violations.push('AWSPREVIOUS is not the version current before the rotation');
  }
  const current = await rig.read(target.arn, 'AWSCURRENT');
  const previous = await rig.read(target.arn, 'AWSPREVIOUS');
  if (!current) return [...violations, 'AWSCURRENT unreadable'];
  if ((await tryLogin(rig, target.engine, current.username, current.password)) !== 'ok') {
    violations.push('AWSCURRENT does not log in');
  }
  if (target.strategy === 'alternating' && previous) {
    // The other user keeps the previous password until it is rotated again.
    if ((await tryLogin(rig, target.engine, previous.username, previous.password)) !== 'ok') {
      violations.push('alternating users: AWSPREVIOUS does not log in');
    }
  }
  if (target.engine === 'mariadb') {
    for (const problem of await hostAccountsWithout(rig, current.username, current.password)) {
      violations.push(`AWSCURRENT's user: ${problem}`);
    }
    if (target.strategy === 'alternating' && previous) {
      for (const problem of await hostAccountsWithout(rig, previous.username, previous.password)) {
        violations.push(`AWSPREVIOUS's user: ${problem}`);
      }
    }
  }
  if (target.strategy === 'alternating') {
    const differences = await cloneDifferences(rig, target.engine, target.base);
    if (differences.length > 0) {
      violations.push(`clone privileges differ (${differences.length} differences)`);
    }
  }
  return violations;
};
