/** ListSecretVersionIds: labelled versions, plus deprecated ones with IncludeDeprecated. */
import { invalidNextToken } from '#local-cloud/secrets-manager/errors.js';
import { stagesOf } from '#local-cloud/secrets-manager/staging.js';
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  secretIdOf,
} from '#local-cloud/secrets-manager/validate.js';
import { decodeNextToken, encodeNextToken, epochSeconds, type Operation } from './context.js';

export const listSecretVersionIds: Operation = (body, { store }) => {
  const secret = store.require(secretIdOf(body));
  const includeDeprecated = optionalBoolean(body, 'IncludeDeprecated') ?? false;
  const maxResults = optionalInteger(body, 'MaxResults', { min: 1, max: 100 }) ?? 100;
  const offset = decodeNextToken(optionalString(body, 'NextToken', { min: 1, max: 4096 }))?.offset;
  if (offset === undefined) throw invalidNextToken();
  const versions = [...secret.versions.values()]
    .map((v) => ({ version: v, stages: stagesOf(secret, v.versionId) }))
    .filter(({ stages }) => includeDeprecated || stages.length > 0);
  const page = versions.slice(offset, offset + maxResults);
  const response: Record<string, unknown> = {
    Versions: page.map(({ version, stages }) => {
      const entry: Record<string, unknown> = {
        VersionId: version.versionId,
        VersionStages: stages,
      };
      if (version.lastAccessedDate !== undefined) {
        entry.LastAccessedDate = epochSeconds(version.lastAccessedDate);
      }
      entry.CreatedDate = epochSeconds(version.createdDate);
      return entry;
    }),
    ARN: secret.arn,
    Name: secret.name,
  };
  if (offset + page.length < versions.length)
    response.NextToken = encodeNextToken(offset + page.length);
  return { response, changed: false };
};
