/** CreateSecret. https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html */
import {
  ApiError,
  ErrorCode,
  invalidParameter,
  invalidRequest,
} from '#local-cloud/secrets-manager/errors.js';
import { newSecretRecord } from '#local-cloud/secrets-manager/model.js';
import {
  clientRequestTokenOf,
  optionalString,
  sameValue,
  secretNameOf,
  secretValueOf,
  tagsOf,
} from '#local-cloud/secrets-manager/validate.js';
import type { Operation } from './context.js';
import { writeVersion } from './write-version.js';

/** Creates a secret, with a first AWSCURRENT version when a value is given. */
export const createSecret: Operation = (body, { store, now }) => {
  const name = secretNameOf(body);
  const token = clientRequestTokenOf(body);
  const description = optionalString(body, 'Description', { max: 2048 });
  const kmsKeyId = optionalString(body, 'KmsKeyId', { max: 2048 });
  const value = secretValueOf(body);
  const tags = tagsOf(body) ?? [];
  if (body.AddReplicaRegions !== undefined && body.AddReplicaRegions !== null) {
    // Choice: the local cloud has no native replication (Rotasync replicates with its own
    // functions); saying so beats silently ignoring the request.
    throw invalidParameter('AddReplicaRegions is not supported by the local cloud.');
  }

  const existing = store.find(name);
  if (existing !== undefined) {
    if (existing.deletedDate !== undefined) {
      throw invalidRequest(
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    // A retried CreateSecret (same token, same value) succeeds without creating anything.
    const retried = token === undefined ? undefined : existing.versions.get(token);
    if (retried !== undefined && value !== undefined && sameValue(retried.value, value)) {
      return {
        response: { ARN: existing.arn, Name: existing.name, VersionId: retried.versionId },
        changed: false,
      };
    }
    throw new ApiError(
      ErrorCode.ResourceExists,
      `The operation failed because the secret ${name} already exists.`,
    );
  }

  const secret = newSecretRecord(
    { arn: store.newArn(name), name, description, kmsKeyId, tags },
    now,
  );
  const response: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
  if (value !== undefined) {
    response.VersionId = writeVersion(secret, token, value, undefined, now).versionId;
  }
  store.add(secret);
  return { response, changed: true };
};
