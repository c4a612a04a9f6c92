/**
 * What the disaster-recovery functions need beyond the Secrets Manager and RDS ports
 * (shared/aws/secret-store.ts, shared/aws/rds-directory.ts): a credential check against a real
 * server. They take slices of those ports, as every consumer does.
 */
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';

/** A login outcome: accepted, rejected by the server, or the server was not reached. */
export type LoginCheck = 'ok' | 'refused' | 'unreachable';
/** Whether the session could start a writing transaction. */
export type WriteCheck = 'ok' | 'read-only' | 'failed';

/** What a credential check found. */
export interface CredentialCheck {
  readonly login: LoginCheck;
  /** Present when a write was asked for and the login succeeded. */
  readonly write?: WriteCheck;
}

/** Logs in with a database secret's credentials on the endpoint it names. */
export interface CredentialChecker {
  /** One login; with `write`, also whether a writing transaction can start. Never throws. */
  check(secret: DatabaseSecret, options: { readonly write: boolean }): Promise<CredentialCheck>;
}
