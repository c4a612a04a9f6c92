/**
 * The rotation runner: invokes the rotation function for createSecret, setSecret, testSecret and
 * finishSecret in order, synchronously each, as Secrets Manager does, and stops at the first
 * failure, leaving AWSPENDING on the token so a later RotateSecret re-runs it.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda.html
 * Choices: no automatic retries of a failed rotation (the service retries an undocumented number
 * of times; tests want one deterministic run); scheduled rotations are not started by the clock.
 */
import { randomUUID } from 'node:crypto';
import type {
  FunctionInvoker,
  RotationInvocation,
  RotationOutcome,
  StepTiming,
} from '#local-cloud/types.js';
import { Stage } from './model.js';
import type { RotationStarter } from './operations/context.js';
import { detachLabel } from './staging.js';
import type { SecretsState } from './store.js';

const FULL_ROTATION: readonly RotationInvocation['Step'][] = [
  'createSecret',
  'setSecret',
  'testSecret',
  'finishSecret',
];

export interface RotationRunnerOptions {
  readonly state: SecretsState;
  readonly invoke: FunctionInvoker | undefined;
  /** Called after the runner changed state (to persist it). */
  readonly onStateChange: () => void;
  /** Called once per rotation with its outcome; `testOnly` for RotateImmediately=false runs. */
  readonly onOutcome: (outcome: RotationOutcome, testOnly: boolean, functionArn: string) => void;
}

/** Runs rotations in the background and tracks them for `settled()`. */
export class RotationRunner implements RotationStarter {
  readonly #options: RotationRunnerOptions;
  readonly #running = new Set<string>();
  readonly #started: Promise<RotationOutcome>[] = [];

  public constructor(options: RotationRunnerOptions) {
    this.#options = options;
  }

  public get canInvoke(): boolean {
    return this.#options.invoke !== undefined;
  }

  public isRunning(region: string, secretArn: string): boolean {
    return this.#running.has(`${region} ${secretArn}`);
  }

  public start(region: string, secretArn: string, token: string, testOnly: boolean): void {
    const key = `${region} ${secretArn}`;
    this.#running.add(key);
    // setImmediate: the RotateSecret response goes out before the first step is invoked.
    const run: Promise<RotationOutcome> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#run(region, secretArn, token, testOnly))
      .catch(
        (cause: unknown): RotationOutcome => ({
          region,
          secretArn,
          token,
          failedStep: undefined,
          error: `The local cloud failed to record the rotation: ${String(cause)}`,
        }),
      )
      .finally(() => this.#running.delete(key));
    this.#started.push(run);
  }

  /** Every rotation started so far, once all have ended (including ones started meanwhile). */
  public async settled(): Promise<readonly RotationOutcome[]> {
    let count = -1;
    let outcomes: RotationOutcome[] = [];
    while (count !== this.#started.length) {
      count = this.#started.length;
      outcomes = await Promise.all(this.#started.slice(0, count));
    }
    return outcomes;
  }

  async #run(
    region: string,
    secretArn: string,
    token: string,
    testOnly: boolean,
  ): Promise<RotationOutcome> {
    const store = this.#options.state.region(region);
    const functionArn = store.find(secretArn)?.rotationLambdaArn ?? '';
    const rotationToken = randomUUID();
    let failedStep: RotationInvocation['Step'] | undefined;
    let error: string | undefined;
    const steps: StepTiming[] = [];
    for (const step of testOnly ? (['testSecret'] as const) : FULL_ROTATION) {
      const startedAt = new Date();
      const timed = (ok: boolean): void => {
        steps.push({ step, startedAt, durationMs: Date.now() - startedAt.getTime(), ok });
      };
      try {
        const invoke = this.#options.invoke;
        if (invoke === undefined || functionArn === '')
          throw new Error('No rotation function to invoke.');
        await invoke(
          functionArn,
          {
            Step: step,
            SecretId: secretArn,
            ClientRequestToken: token,
            RotationToken: rotationToken,
          },
          region,
        );
        timed(true);
      } catch (cause) {
        timed(false);
        failedStep = step;
        error = cause instanceof Error ? cause.message : String(cause);
        break;
      }
    }
    const secret = store.find(secretArn);
    if (testOnly) {
      // "The test creates an AWSPENDING version of the secret and then removes it."
      if (secret !== undefined && secret.labels.get(Stage.Pending) === token) {
        detachLabel(secret, Stage.Pending);
        if (![...secret.labels.values()].includes(token)) secret.versions.delete(token);
        this.#options.onStateChange();
      }
    } else if (failedStep === undefined) {
      if (secret === undefined || secret.labels.get(Stage.Current) !== token) {
        // Choice: a finishSecret that returns without promoting the token is a failed rotation.
        failedStep = 'finishSecret';
        error = `finishSecret ended without moving AWSCURRENT to version ${token}.`;
      } else {
        // The service's backend, not the function, removes AWSPENDING once rotation completes.
        if (secret.labels.get(Stage.Pending) === token) detachLabel(secret, Stage.Pending);
        secret.lastRotatedDate = this.#options.state.now();
        this.#options.onStateChange();
      }
    }
    const outcome: RotationOutcome = { region, secretArn, token, failedStep, error, steps };
    this.#options.onOutcome(outcome, testOnly, functionArn);
    return outcome;
  }
}
