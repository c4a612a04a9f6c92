/**
 * UpdateSecretVersionStage.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
 * - the label moves to MoveToVersionId; if it sits on another version, RemoveFromVersionId must
 *   name that version (InvalidParameterException otherwise);
 * - without MoveToVersionId the label is just removed from RemoveFromVersionId;
 * - moving AWSCURRENT puts AWSPREVIOUS on the version it left.
 */
import { invalidParameter, notFound } from '#local-cloud/secrets-manager/errors.js';
import { Stage } from '#local-cloud/secrets-manager/model.js';
import { attachLabel, detachLabel } from '#local-cloud/secrets-manager/staging.js';
import {
  optionalString,
  requiredString,
  secretIdOf,
} from '#local-cloud/secrets-manager/validate.js';
import type { Operation } from './context.js';

export const updateSecretVersionStage: Operation = (body, { store, now }) => {
  const secretId = secretIdOf(body);
  const label = requiredString(body, 'VersionStage', { min: 1, max: 256 });
  const removeFrom = optionalString(body, 'RemoveFromVersionId', { min: 32, max: 64 });
  const moveTo = optionalString(body, 'MoveToVersionId', { min: 32, max: 64 });
  const secret = store.requireActive(secretId);
  const holder = secret.labels.get(label);
  const response = { ARN: secret.arn, Name: secret.name };

  if (moveTo === undefined && removeFrom === undefined) {
    throw invalidParameter('Specify MoveToVersionId, RemoveFromVersionId, or both.');
  }
  if (removeFrom !== undefined && holder !== removeFrom) {
    throw invalidParameter(
      `The staging label ${label} is not attached to version ${removeFrom}, so it can't be removed from it.`,
    );
  }
  if (moveTo === undefined) {
    if (label === Stage.Current) {
      throw invalidParameter(
        'You can only move staging label AWSCURRENT to a different secret version. It can’t be completely removed.',
      );
    }
    detachLabel(secret, label);
    secret.lastChangedDate = now;
    return { response, changed: true };
  }
  const target = secret.versions.get(moveTo);
  if (target === undefined) {
    throw notFound(`Secrets Manager can't find the specified secret version: ${moveTo}`);
  }
  if (holder === moveTo) return { response, changed: false };
  if (holder !== undefined && removeFrom === undefined) {
    throw invalidParameter(
      `The parameter RemoveFromVersionId can't be empty. Staging label ${label} is currently attached to version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
  }
  if (label === Stage.Current && target.value === undefined) {
    // Choice (undocumented): AWSCURRENT must always name a readable value.
    throw invalidParameter(
      `Version ${moveTo} has no secret value yet, so it can't hold staging label AWSCURRENT.`,
    );
  }
  attachLabel(secret, label, moveTo);
  secret.lastChangedDate = now;
  return { response, changed: true };
};
