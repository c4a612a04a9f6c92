/**
 * The SecretStore port over the AWS SDK v3 Secrets Manager client, one instance per Region: the
 * only module that knows Secrets Manager's SDK and its exceptions
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/). Not-found answers become
 * `undefined`, every other failure an AwsCallError (after the SDK's retries, clients.ts).
 */
import {
  BatchGetSecretValueCommand,
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  type Filter,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type RotationRulesType,
  type SecretListEntry,
  SecretsManagerClient,
  type Tag,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { AwsCallError, type ErrorWhere, SecretFormatError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';
import { callAws, clientSettings, perRegion } from './clients.js';
import type {
  ListOptions,
  NewSecret,
  PutOptions,
  RotationRules,
  SecretMetadata,
  SecretPage,
  SecretStore,
  SecretStores,
  SecretValue,
} from './secret-store.js';
import { Stage, versionHolding } from './secret-store.js';

const SERVICE = 'Secrets Manager';

/** The AwsCallError codes the port turns into an answer rather than a failure. */
const NOT_FOUND = 'ResourceNotFoundException';
const EXISTS = 'ResourceExistsException';

const toTags = (tags: Readonly<Record<string, string>>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

const fromTags = (tags: readonly Tag[] | undefined): Record<string, string> =>
  Object.fromEntries(
    (tags ?? []).flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])),
  );

const toMetadata = (entry: SecretListEntry | DescribeSecretCommandOutput): SecretMetadata => {
  const versions =
    ('VersionIdsToStages' in entry
      ? entry.VersionIdsToStages
      : (entry as SecretListEntry).SecretVersionsToStages) ?? {};
  const current = versionHolding(versions, Stage.Current);
  return {
    arn: entry.ARN ?? '',
    name: entry.Name ?? '',
    ...(entry.Description === undefined ? {} : { description: entry.Description }),
    ...(entry.KmsKeyId === undefined ? {} : { kmsKeyId: entry.KmsKeyId }),
    tags: fromTags(entry.Tags),
    versions,
    ...(current === undefined ? {} : { currentVersionId: current }),
    deleted: entry.DeletedDate !== undefined,
    // As the official templates do, only an explicit `false` counts as disabled.
    rotationEnabled: entry.RotationEnabled !== false,
    ...(entry.RotationLambdaARN === undefined
      ? {}
      : { rotationLambdaArn: entry.RotationLambdaARN }),
    ...(entry.RotationRules === undefined ? {} : { rotationRules: fromRules(entry.RotationRules) }),
  };
};

const fromRules = (rules: RotationRulesType): RotationRules => ({
  ...(rules.AutomaticallyAfterDays === undefined
    ? {}
    : { automaticallyAfterDays: rules.AutomaticallyAfterDays }),
  ...(rules.Duration === undefined ? {} : { duration: rules.Duration }),
  ...(rules.ScheduleExpression === undefined
    ? {}
    : { scheduleExpression: rules.ScheduleExpression }),
});

/** The service takes a schedule expression or a day count, not both. */
const toRules = (rules: RotationRules): RotationRulesType => ({
  ...(rules.scheduleExpression === undefined
    ? rules.automaticallyAfterDays === undefined
      ? {}
      : { AutomaticallyAfterDays: rules.automaticallyAfterDays }
    : { ScheduleExpression: rules.scheduleExpression }),
  ...(rules.duration === undefined ? {} : { Duration: rules.duration }),
});

interface ValueEntry {
  readonly ARN?: string | undefined;
  readonly Name?: string | undefined;
  readonly VersionId?: string | undefined;
  readonly VersionStages?: string[] | undefined;
  readonly CreatedDate?: Date | undefined;
  readonly SecretString?: string | undefined;
}

const toValue = (entry: ValueEntry, secretString: string): SecretValue => ({
  arn: entry.ARN ?? '',
  name: entry.Name ?? '',
  versionId: entry.VersionId ?? '',
  stages: entry.VersionStages ?? [],
  createdDate: entry.CreatedDate ?? new Date(0),
  value: new Sensitive(secretString),
});

/** `undefined` when `error` is the service's not-found answer; rethrows anything else. */
const absentWhenNotFound = (error: unknown): undefined => {
  if (error instanceof AwsCallError && error.code === NOT_FOUND) return undefined;
  throw error;
};

/**
 * SecretStore backed by Secrets Manager in one Region. Build it with {@link secretsManagerStores}
 * so clients carry the retry policy and their endpoint comes only from the SDK's settings.
 *
 * @example
 * const store = new SecretsManagerStore(new SecretsManagerClient(clientSettings()), 'us-east-1');
 */
export class SecretsManagerStore implements SecretStore {
  readonly #client: SecretsManagerClient;
  readonly #region: string | undefined;

  public constructor(client: SecretsManagerClient, region?: string) {
    this.#client = client;
    this.#region = region;
  }

  /** Where a call failed: the operation, in this store's Region, and the secret. */
  #where(operation: string, secretId: string | undefined): ErrorWhere {
    return {
      operation: this.#region === undefined ? operation : `${operation} in ${this.#region}`,
      ...(secretId === undefined ? {} : { secretId }),
    };
  }

  /** Sends one command; failures become AwsCallErrors naming the operation and the secret. */
  #send<T>(operation: string, secretId: string | undefined, run: () => Promise<T>): Promise<T> {
    return callAws(SERVICE, this.#where(operation, secretId), run);
  }

  public async describe(secretId: string): Promise<SecretMetadata | undefined> {
    const output = await this.#send('DescribeSecret', secretId, () =>
      this.#client.send(new DescribeSecretCommand({ SecretId: secretId })),
    ).catch(absentWhenNotFound);
    return output === undefined ? undefined : toMetadata(output);
  }

  public async read(
    secretId: string,
    stage: string = Stage.Current,
    versionId?: string,
  ): Promise<SecretValue | undefined> {
    // Not found: no such version, or the AWSPENDING placeholder RotateSecret registers first.
    const output = await this.#send('GetSecretValue', secretId, () =>
      this.#client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionStage: stage,
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        }),
      ),
    ).catch(absentWhenNotFound);
    if (output === undefined) return undefined;
    if (output.SecretString === undefined) {
      throw new SecretFormatError('SecretString', 'is missing (a binary secret)', { secretId });
    }
    return toValue(
      { ...output, VersionStages: output.VersionStages ?? [stage] },
      output.SecretString,
    );
  }

  public async readCurrentBatch(
    secretIds: readonly string[],
  ): Promise<ReadonlyMap<string, SecretValue | undefined>> {
    const output = await this.#send('BatchGetSecretValue', undefined, () =>
      this.#client.send(new BatchGetSecretValueCommand({ SecretIdList: [...secretIds] })),
    );
    const failed = output.Errors?.find((entry) => entry.ErrorCode !== NOT_FOUND);
    if (failed !== undefined) {
      throw new AwsCallError(
        { service: SERVICE, code: failed.ErrorCode ?? 'UnknownError', transient: false },
        this.#where('BatchGetSecretValue', failed.SecretId),
      );
    }
    const found = (output.SecretValues ?? []).flatMap((entry) =>
      entry.SecretString === undefined ? [] : [toValue(entry, entry.SecretString)],
    );
    return new Map(
      secretIds.map((id) => [id, found.find((entry) => entry.arn === id || entry.name === id)]),
    );
  }

  public async create(secret: NewSecret): Promise<'created' | 'exists'> {
    try {
      await this.#send('CreateSecret', secret.name, () =>
        this.#client.send(
          new CreateSecretCommand({
            Name: secret.name,
            ClientRequestToken: secret.token,
            SecretString: secret.value.reveal(),
            ...(secret.kmsKeyId === undefined ? {} : { KmsKeyId: secret.kmsKeyId }),
            ...(secret.description === undefined ? {} : { Description: secret.description }),
            Tags: toTags(secret.tags),
          }),
        ),
      );
      return 'created';
    } catch (error) {
      if (error instanceof AwsCallError && error.code === EXISTS) return 'exists';
      throw error;
    }
  }

  public async putValue(
    secretId: string,
    token: string,
    value: Sensitive<string>,
    options: PutOptions = {},
  ): Promise<'created' | 'exists'> {
    try {
      await this.#send('PutSecretValue', secretId, () =>
        this.#client.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: token,
            SecretString: value.reveal(),
            ...(options.stages === undefined ? {} : { VersionStages: [...options.stages] }),
            ...(options.rotationToken === undefined
              ? {}
              : { RotationToken: options.rotationToken }),
          }),
        ),
      );
      return 'created';
    } catch (error) {
      // The token's version already holds another value: an earlier attempt won.
      if (error instanceof AwsCallError && error.code === EXISTS) return 'exists';
      throw error;
    }
  }

  public async promote(
    secretId: string,
    versionId: string,
    fromVersionId: string | undefined,
  ): Promise<void> {
    await this.#send('UpdateSecretVersionStage', secretId, () =>
      this.#client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: Stage.Current,
          MoveToVersionId: versionId,
          ...(fromVersionId === undefined ? {} : { RemoveFromVersionId: fromVersionId }),
        }),
      ),
    );
  }

  public async unstage(secretId: string, stage: string, versionId: string): Promise<void> {
    await this.#send('UpdateSecretVersionStage', secretId, () =>
      this.#client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: stage,
          RemoveFromVersionId: versionId,
        }),
      ),
    );
  }

  public async tag(secretId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.#send('TagResource', secretId, () =>
      this.#client.send(new TagResourceCommand({ SecretId: secretId, Tags: toTags(tags) })),
    );
  }

  public async untag(secretId: string, keys: readonly string[]): Promise<void> {
    await this.#send('UntagResource', secretId, () =>
      this.#client.send(new UntagResourceCommand({ SecretId: secretId, TagKeys: [...keys] })),
    );
  }

  public async enableRotation(
    secretId: string,
    lambdaArn: string,
    rules: RotationRules,
  ): Promise<void> {
    // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
    await this.#send('RotateSecret', secretId, () =>
      this.#client.send(
        new RotateSecretCommand({
          SecretId: secretId,
          RotationLambdaARN: lambdaArn,
          RotationRules: toRules(rules),
          RotateImmediately: false,
        }),
      ),
    );
  }

  public async cancelRotation(secretId: string): Promise<void> {
    await this.#send('CancelRotateSecret', secretId, () =>
      this.#client.send(new CancelRotateSecretCommand({ SecretId: secretId })),
    );
  }

  public async remove(secretId: string, recoveryWindowInDays: number): Promise<void> {
    await this.#send('DeleteSecret', secretId, () =>
      this.#client.send(
        new DeleteSecretCommand({ SecretId: secretId, RecoveryWindowInDays: recoveryWindowInDays }),
      ),
    );
  }

  public async list(options: ListOptions = {}): Promise<SecretPage> {
    // `name` is a case-sensitive prefix match; an empty prefix means no filter.
    const filters: Filter[] = [
      ...(options.tagKey === undefined
        ? []
        : [{ Key: 'tag-key' as const, Values: [options.tagKey] }]),
      ...(options.namePrefix === undefined || options.namePrefix === ''
        ? []
        : [{ Key: 'name' as const, Values: [options.namePrefix] }]),
    ];
    const output = await this.#send('ListSecrets', undefined, () =>
      this.#client.send(
        new ListSecretsCommand({
          MaxResults: 100,
          ...(options.nextToken === undefined ? {} : { NextToken: options.nextToken }),
          ...(filters.length === 0 ? {} : { Filters: filters }),
        }),
      ),
    );
    return {
      secrets: (output.SecretList ?? []).map(toMetadata),
      ...(output.NextToken === undefined ? {} : { nextToken: output.NextToken }),
    };
  }
}

/**
 * Secrets Manager per Region, each store over its own client made on first use and reused while
 * the Lambda is warm. `makeClient` defaults to the SDK client with Rotasync's retry policy.
 *
 * @example
 * const stores = secretsManagerStores();
 * await stores('eu-west-1').describe('prod/app');
 */
export const secretsManagerStores = (
  makeClient: (region: string | undefined) => SecretsManagerClient = (region) =>
    new SecretsManagerClient(clientSettings(region)),
): SecretStores => perRegion((region) => new SecretsManagerStore(makeClient(region), region));
