/**
 * Which Regions a secret replicates to, decided from DescribeSecret/ListSecrets metadata only,
 * so a secret that does not replicate costs no value read.
 */
import { parseRegionList } from './config.js';

/** Tag naming the Regions (comma-separated) a secret replicates to; `none` opts out. */
export const REPLICATE_TO_TAG = 'rotasync:replicate-to';
/** Tag Rotasync puts on every replica: the ARN of its source. A replica is never a source. */
export const SOURCE_ARN_TAG = 'rotasync:source-arn';

/** The Regions to replicate to, or none with the reason. */
export type TargetSelection =
  | { readonly replicate: true; readonly regions: readonly string[] }
  | { readonly replicate: false; readonly reason: string };

/**
 * The secret's tag wins when present (`none` opts out); else the configured defaults. The source
 * Region is never a target. Throws ConfigurationError when the tag names a malformed Region.
 */
export const selectTargetRegions = (
  secret: { readonly name: string; readonly tags: Readonly<Record<string, string>> },
  sourceRegion: string,
  defaultRegions: readonly string[],
): TargetSelection => {
  if (secret.tags[SOURCE_ARN_TAG] !== undefined) {
    return { replicate: false, reason: 'the secret is a Rotasync replica' };
  }
  const tag = secret.tags[REPLICATE_TO_TAG];
  if (tag !== undefined && tag.trim().toLowerCase() === 'none') {
    return { replicate: false, reason: `tag ${REPLICATE_TO_TAG} is none` };
  }
  const wanted =
    tag === undefined
      ? defaultRegions
      : parseRegionList(tag, `tag ${REPLICATE_TO_TAG} of secret ${secret.name}`);
  const regions = wanted.filter((region) => region !== sourceRegion);
  return regions.length === 0
    ? { replicate: false, reason: 'no target Region is configured or tagged' }
    : { replicate: true, regions };
};
