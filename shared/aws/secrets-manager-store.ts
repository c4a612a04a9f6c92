/**
 * The SecretStore port over the AWS SDK v3 Secrets Manager client. The only module of the
 * rotation path that knows SDK exceptions
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/).
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { SecretFormatError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';
import {
  type SecretMetadata,
  type SecretStore,
  type SecretVersion,
  Stage,
} from './secret-store.js';

/**
 * SecretStore backed by Secrets Manager. Build the client with `new SecretsManagerClient({})`
 * so its endpoint comes only from the SDK's own settings (AWS_ENDPOINT_URL_SECRETS_MANAGER).
 *
 * @example
 * const store = new SecretsManagerStore(new SecretsManagerClient({}));
 */
export class SecretsManagerStore implements SecretStore {
  readonly #client: SecretsManagerClient;

  public constructor(client: SecretsManagerClient) {
    this.#client = client;
  }

  public async describe(secretId: string): Promise<SecretMetadata> {
    const out = await this.#client.send(new DescribeSecretCommand({ SecretId: secretId }));
    const tags: Record<string, string> = {};
    for (const { Key, Value } of out.Tags ?? []) if (Key !== undefined) tags[Key] = Value ?? '';
    return {
      arn: out.ARN ?? secretId,
      name: out.Name ?? secretId,
      // As the official templates do, only an explicit `false` counts as disabled.
      rotationEnabled: out.RotationEnabled !== false,
      versions: out.VersionIdsToStages ?? {},
      tags,
    };
  }

  public async read(
    secretId: string,
    stage: string,
    versionId?: string,
  ): Promise<SecretVersion | undefined> {
    try {
      const out = await this.#client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionStage: stage,
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        }),
      );
      if (out.SecretString === undefined) {
        throw new SecretFormatError('SecretString', 'is missing (a binary secret)', { secretId });
      }
      return {
        versionId: out.VersionId ?? versionId ?? '',
        value: new Sensitive(out.SecretString),
        stages: out.VersionStages ?? [stage],
      };
    } catch (error) {
      // No such version, or the AWSPENDING placeholder RotateSecret registers before any value.
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  public async putPending(
    secretId: string,
    token: string,
    value: Sensitive<string>,
    rotationToken?: string,
  ): Promise<'created' | 'exists'> {
    try {
      await this.#client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: value.reveal(),
          VersionStages: [Stage.Pending],
          ...(rotationToken === undefined ? {} : { RotationToken: rotationToken }),
        }),
      );
      return 'created';
    } catch (error) {
      // The token's version already holds another value: an earlier attempt of this step won.
      if (error instanceof ResourceExistsException) return 'exists';
      throw error;
    }
  }

  public async promote(
    secretId: string,
    token: string,
    fromVersionId: string | undefined,
  ): Promise<void> {
    await this.#client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: Stage.Current,
        MoveToVersionId: token,
        ...(fromVersionId === undefined ? {} : { RemoveFromVersionId: fromVersionId }),
      }),
    );
  }
}
