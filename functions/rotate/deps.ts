/**
 * What the rotation steps depend on, built once per container in handler.ts. Each step declares
 * the narrow slice it uses (`Pick<RotateDeps, …>`), so its fakes stay small.
 */
import type { SecretMetadata, SecretStore } from '#shared/aws/secret-store.js';
import type { Deadline } from '#shared/deadline.js';
import type { ConnectOptions, Engine } from '#shared/engines/engine.js';
import type { ErrorWhere } from '#shared/errors.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';
import type { RotationEvent } from '#shared/inputs/rotation-event.js';
import type { PasswordPolicy } from '#shared/passwords.js';
import type { Sensitive } from '#shared/sensitive.js';
import type { Strategy } from './strategies/strategy.js';

/** The few log calls steps make: identifiers and outcomes, never values. */
export interface StepLog {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  /** Adds keys to every later log line of the invocation. */
  appendKeys(keys: Record<string, string>): void;
}

/** The Secrets Manager calls a rotation makes. */
export type RotationStore = Pick<SecretStore, 'describe' | 'read' | 'putValue' | 'promote'>;

/** Everything the rotation steps use. */
export interface RotateDeps {
  readonly store: RotationStore;
  readonly engineFor: (engineField: string) => Engine;
  /** The strategy for a secret (strategies/by-secret.ts): steps never branch on it. */
  readonly strategyFor: (secret: DatabaseSecret) => Strategy;
  /** The function's default policy (environment); a secret's tags may narrow it. */
  readonly passwordPolicy: PasswordPolicy;
  /** A new password by `policy`. */
  readonly generatePassword: (policy: PasswordPolicy) => Sensitive<string>;
  readonly connect: ConnectOptions;
  readonly log: StepLog;
}

/** One step's input once the gate has passed: the event, the gate's DescribeSecret, the budget. */
export interface StepRequest {
  readonly event: RotationEvent;
  readonly metadata: SecretMetadata;
  readonly deadline: Deadline;
}

/** A rotation step: a plain function of its request and its dependencies. */
export type Step<D extends Partial<RotateDeps>> = (request: StepRequest, deps: D) => Promise<void>;

/** Where an event's errors happened: its secret and step. */
export const whereOf = (event: RotationEvent): ErrorWhere => ({
  secretId: event.SecretId,
  step: event.Step,
});
