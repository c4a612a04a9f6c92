/**
 * The secrets of a Region as `status` needs them: metadata only, from ListSecrets (100 a page,
 * never a value), indexed by name and ARN. One listing per Region per run; a Region that cannot
 * be listed is reported as such, and the rest of the status still shows.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html
 */
import {
  ListSecretsCommand,
  type ListSecretsCommandInput,
  type SecretListEntry,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Stage, versionHolding } from '#shared/aws/secret-store.js';
import { awsCall } from '../aws.js';

/** A secret's metadata, as ListSecrets gives it. */
export interface SecretEntry {
  readonly name: string;
  readonly arn: string;
  readonly rotationEnabled: boolean;
  readonly rotationLambdaArn: string | undefined;
  readonly scheduleExpression: string | undefined;
  readonly automaticallyAfterDays: number | undefined;
  readonly duration: string | undefined;
  readonly lastRotatedDate: Date | undefined;
  readonly nextRotationDate: Date | undefined;
  readonly deletedDate: Date | undefined;
  readonly tags: Readonly<Record<string, string>>;
  /** Version id → staging labels. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
}

/** A Region's secrets, or why they could not be listed. */
export type RegionInventory =
  | {
      readonly ok: true;
      readonly secrets: readonly SecretEntry[];
      byName(name: string): SecretEntry | undefined;
      byArn(arn: string): SecretEntry | undefined;
    }
  | { readonly ok: false; readonly error: string; readonly code: string };

const toEntry = (secret: SecretListEntry): SecretEntry => ({
  name: secret.Name ?? '',
  arn: secret.ARN ?? '',
  rotationEnabled: secret.RotationEnabled === true,
  rotationLambdaArn: secret.RotationLambdaARN,
  scheduleExpression: secret.RotationRules?.ScheduleExpression,
  automaticallyAfterDays: secret.RotationRules?.AutomaticallyAfterDays,
  duration: secret.RotationRules?.Duration,
  lastRotatedDate: secret.LastRotatedDate,
  nextRotationDate: secret.NextRotationDate,
  deletedDate: secret.DeletedDate,
  tags: Object.fromEntries((secret.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  versions: secret.SecretVersionsToStages ?? {},
});

/** Lists every secret of the client's Region (those scheduled for deletion too). */
export const listRegion = async (
  client: SecretsManagerClient,
  region: string,
  namePrefix: string | undefined,
): Promise<RegionInventory> => {
  const secrets: SecretEntry[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const input: ListSecretsCommandInput = {
        MaxResults: 100,
        IncludePlannedDeletion: true,
        ...(namePrefix === undefined ? {} : { Filters: [{ Key: 'name', Values: [namePrefix] }] }),
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      };
      const page = await awsCall(`ListSecrets in ${region}`, () =>
        client.send(new ListSecretsCommand(input)),
      );
      secrets.push(...(page.SecretList ?? []).map(toEntry));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? error.message : String(error),
      code: (error as { code?: string }).code ?? 'Error',
    };
  }
  const names = new Map(secrets.map((secret) => [secret.name, secret]));
  const arns = new Map(secrets.map((secret) => [secret.arn, secret]));
  return {
    ok: true,
    secrets,
    byName: (name) => names.get(name),
    byArn: (arn) => arns.get(arn),
  };
};

/** The version id holding AWSCURRENT. */
export const currentVersionOf = (secret: SecretEntry): string | undefined =>
  versionHolding(secret.versions, Stage.Current);

/** The version holding AWSPENDING when it is not also AWSCURRENT: a rotation not finished. */
export const unfinishedVersionOf = (secret: SecretEntry): string | undefined =>
  versionHolding(secret.versions, Stage.Pending, Stage.Current);
