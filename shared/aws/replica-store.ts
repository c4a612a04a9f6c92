/**
 * The Secrets Manager port of replication and reconciliation, per Region, plus its SDK adapter.
 * Only the adapter knows SDK exceptions: a missing secret reads as `undefined`; every other
 * failure becomes a {@link ReplicaStoreError} that says whether a retry may help.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Operations.html
 */

import type {
  DescribeSecretCommandOutput,
  Filter,
  SecretListEntry,
  Tag,
} from '@aws-sdk/client-secrets-manager';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { RotasyncError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';

/** A secret's metadata as DescribeSecret or ListSecrets tell it; never its value. */
export interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The version holding AWSCURRENT, when one does. */
  readonly currentVersionId?: string;
  /** Every version id the secret has (any label). */
  readonly versionIds: readonly string[];
  /** Scheduled for deletion (DeletedDate set). */
  readonly deleted: boolean;
  readonly rotationEnabled: boolean;
}

/** The AWSCURRENT version of a secret, with its value. */
export interface CurrentValue {
  readonly arn: string;
  readonly name: string;
  readonly versionId: string;
  readonly createdDate: Date;
  readonly value: Sensitive<string>;
}

/** What CreateSecret needs for a new replica. */
export interface NewSecret {
  readonly name: string;
  readonly token: string;
  readonly value: Sensitive<string>;
  readonly kmsKeyId?: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** One page of ListSecrets. */
export interface SecretPage {
  readonly secrets: readonly StoredSecret[];
  readonly nextToken?: string;
}

/** What {@link RegionalSecrets.list} filters on, and where it continues. */
export interface ListOptions {
  readonly tagKey?: string;
  /** A name prefix (non-empty, no leading `!`, which would negate the filter). */
  readonly namePrefix?: string;
  readonly nextToken?: string;
}

/** Secrets Manager in one Region, as replication uses it. */
export interface RegionalSecrets {
  readonly region: string;
  /** DescribeSecret; `undefined` when the secret does not exist. */
  describe(secretId: string): Promise<StoredSecret | undefined>;
  /** GetSecretValue(AWSCURRENT); `undefined` when the secret or its current version is missing. */
  readCurrent(secretId: string): Promise<CurrentValue | undefined>;
  /**
   * BatchGetSecretValue for at most 20 ids; the map is keyed by the id as requested, and holds
   * `undefined` for a secret that does not exist.
   */
  readCurrentBatch(
    secretIds: readonly string[],
  ): Promise<ReadonlyMap<string, CurrentValue | undefined>>;
  /** CreateSecret with a first value under `token`; `'exists'` when the name is taken. */
  create(secret: NewSecret): Promise<'created' | 'exists'>;
  /** PutSecretValue under `token`, moving AWSCURRENT to it (same token and value: no-op). */
  putValue(secretId: string, token: string, value: Sensitive<string>): Promise<void>;
  /** UpdateSecretVersionStage: moves AWSCURRENT to `versionId` from `fromVersionId`. */
  promote(secretId: string, versionId: string, fromVersionId: string | undefined): Promise<void>;
  /** TagResource: adds or overwrites these tags. */
  tag(secretId: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** DeleteSecret with a recovery window (days, 7..30). */
  remove(secretId: string, recoveryWindowInDays: number): Promise<void>;
  /**
   * ListSecrets, one page; `tagKey` keeps only secrets carrying that tag key, `namePrefix` only
   * secrets whose names start with it (the filters AND together).
   */
  list(options?: ListOptions): Promise<SecretPage>;
}

/** Gives the Secrets Manager port for a Region. */
export type ReplicaStore = (region: string) => RegionalSecrets;

/** A Secrets Manager call failed; `transient` says a retry may succeed (throttling, 5xx, network). */
export class ReplicaStoreError extends RotasyncError {
  public readonly code: string;
  public readonly transient: boolean;

  public constructor(
    code: string,
    transient: boolean,
    where: { secretId?: string; step?: string },
    options?: ErrorOptions,
  ) {
    super(`Secrets Manager answered ${code}`, where, options);
    this.code = code;
    this.transient = transient;
    this.name = 'ReplicaStoreError';
  }
}

const TRANSIENT_CODES = new Set([
  'ThrottlingException',
  'LimitExceededException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalServiceError',
  'ServiceUnavailable',
  'TooManyRequestsException',
]);

const errorName = (error: unknown): string =>
  error instanceof Error ? error.name : 'UnknownError';

const isNotFound = (error: unknown): boolean => errorName(error) === 'ResourceNotFoundException';

const statusOf = (error: unknown): number | undefined => {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
};

/** Wraps an SDK failure; a network error (no HTTP status) counts as transient: the Region may be down. */
const wrap = (
  error: unknown,
  region: string,
  step: string,
  secretId?: string,
): ReplicaStoreError => {
  const code = errorName(error);
  const status = statusOf(error);
  const transient = TRANSIENT_CODES.has(code) || status === undefined || status >= 500;
  const where = { step: `${step} in ${region}`, ...(secretId === undefined ? {} : { secretId }) };
  // The SDK's messages carry no values; keep the original as the cause for diagnosis.
  return new ReplicaStoreError(code, transient, where, { cause: error });
};

const toTags = (tags: Readonly<Record<string, string>>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

const fromTags = (tags: readonly Tag[] | undefined): Record<string, string> =>
  Object.fromEntries(
    (tags ?? []).flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])),
  );

const toStored = (entry: SecretListEntry | DescribeSecretCommandOutput): StoredSecret => {
  const stages =
    'VersionIdsToStages' in entry
      ? entry.VersionIdsToStages
      : (entry as SecretListEntry).SecretVersionsToStages;
  const versions = Object.entries(stages ?? {});
  const current = versions.find(([, labels]) => labels.includes('AWSCURRENT'))?.[0];
  return {
    arn: entry.ARN ?? '',
    name: entry.Name ?? '',
    ...(entry.Description === undefined ? {} : { description: entry.Description }),
    ...(entry.KmsKeyId === undefined ? {} : { kmsKeyId: entry.KmsKeyId }),
    tags: fromTags(entry.Tags),
    ...(current === undefined ? {} : { currentVersionId: current }),
    versionIds: versions.map(([id]) => id),
    deleted: entry.DeletedDate !== undefined,
    rotationEnabled: entry.RotationEnabled === true,
  };
};

const toCurrent = (entry: {
  ARN?: string | undefined;
  Name?: string | undefined;
  VersionId?: string | undefined;
  CreatedDate?: Date | undefined;
  SecretString?: string | undefined;
}): CurrentValue | undefined =>
  entry.VersionId === undefined || entry.SecretString === undefined
    ? undefined
    : {
        arn: entry.ARN ?? '',
        name: entry.Name ?? '',
        versionId: entry.VersionId,
        createdDate: entry.CreatedDate ?? new Date(0),
        value: new Sensitive(entry.SecretString),
      };

/** The SDK adapter for one Region; endpoints come only from AWS_ENDPOINT_URL_SECRETS_MANAGER. */
export class SecretsManagerRegionalSecrets implements RegionalSecrets {
  readonly #client: SecretsManagerClient;
  public readonly region: string;

  public constructor(client: SecretsManagerClient, region: string) {
    this.#client = client;
    this.region = region;
  }

  async #call<T>(step: string, secretId: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw wrap(error, this.region, step, secretId);
    }
  }

  public async describe(secretId: string): Promise<StoredSecret | undefined> {
    try {
      return toStored(await this.#client.send(new DescribeSecretCommand({ SecretId: secretId })));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw wrap(error, this.region, 'DescribeSecret', secretId);
    }
  }

  public async readCurrent(secretId: string): Promise<CurrentValue | undefined> {
    try {
      const output = await this.#client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }),
      );
      return toCurrent(output);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw wrap(error, this.region, 'GetSecretValue', secretId);
    }
  }

  public async readCurrentBatch(
    secretIds: readonly string[],
  ): Promise<ReadonlyMap<string, CurrentValue | undefined>> {
    const output = await this.#call('BatchGetSecretValue', undefined, () =>
      this.#client.send(new BatchGetSecretValueCommand({ SecretIdList: [...secretIds] })),
    );
    const found = (output.SecretValues ?? []).flatMap((entry) => {
      const current = toCurrent(entry);
      return current === undefined ? [] : [current];
    });
    const failed = output.Errors?.find((entry) => entry.ErrorCode !== 'ResourceNotFoundException');
    if (failed !== undefined) {
      throw new ReplicaStoreError(failed.ErrorCode ?? 'UnknownError', false, {
        step: `BatchGetSecretValue in ${this.region}`,
        ...(failed.SecretId === undefined ? {} : { secretId: failed.SecretId }),
      });
    }
    return new Map(
      secretIds.map((id) => [id, found.find((entry) => entry.arn === id || entry.name === id)]),
    );
  }

  public async create(secret: NewSecret): Promise<'created' | 'exists'> {
    try {
      await this.#client.send(
        new CreateSecretCommand({
          Name: secret.name,
          ClientRequestToken: secret.token,
          SecretString: secret.value.reveal(),
          ...(secret.kmsKeyId === undefined ? {} : { KmsKeyId: secret.kmsKeyId }),
          ...(secret.description === undefined ? {} : { Description: secret.description }),
          Tags: toTags(secret.tags),
        }),
      );
      return 'created';
    } catch (error) {
      if (errorName(error) === 'ResourceExistsException') return 'exists';
      throw wrap(error, this.region, 'CreateSecret', secret.name);
    }
  }

  public async putValue(secretId: string, token: string, value: Sensitive<string>): Promise<void> {
    await this.#call('PutSecretValue', secretId, () =>
      this.#client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: value.reveal(),
        }),
      ),
    );
  }

  public async promote(
    secretId: string,
    versionId: string,
    fromVersionId: string | undefined,
  ): Promise<void> {
    await this.#call('UpdateSecretVersionStage', secretId, () =>
      this.#client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: versionId,
          ...(fromVersionId === undefined ? {} : { RemoveFromVersionId: fromVersionId }),
        }),
      ),
    );
  }

  public async tag(secretId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.#call('TagResource', secretId, () =>
      this.#client.send(new TagResourceCommand({ SecretId: secretId, Tags: toTags(tags) })),
    );
  }

  public async remove(secretId: string, recoveryWindowInDays: number): Promise<void> {
    await this.#call('DeleteSecret', secretId, () =>
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
    const output = await this.#call('ListSecrets', undefined, () =>
      this.#client.send(
        new ListSecretsCommand({
          MaxResults: 100,
          ...(options.nextToken === undefined ? {} : { NextToken: options.nextToken }),
          ...(filters.length === 0 ? {} : { Filters: filters }),
        }),
      ),
    );
    return {
      secrets: (output.SecretList ?? []).map(toStored),
      ...(output.NextToken === undefined ? {} : { nextToken: output.NextToken }),
    };
  }
}

/**
 * The SDK-backed {@link ReplicaStore}: one `SecretsManagerClient({ region })` per Region, made
 * on first use and reused while the Lambda is warm.
 */
export const createSecretsManagerReplicaStore = (
  makeClient: (region: string) => SecretsManagerClient = (region) =>
    new SecretsManagerClient({ region }),
): ReplicaStore => {
  const stores = new Map<string, RegionalSecrets>();
  return (region) => {
    const known = stores.get(region);
    if (known !== undefined) return known;
    const store = new SecretsManagerRegionalSecrets(makeClient(region), region);
    stores.set(region, store);
    return store;
  };
};
