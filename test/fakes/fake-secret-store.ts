/**
 * An in-memory RotationStore (the Secrets Manager calls of a rotation) that models what the
 * rotation steps rely on: staging labels (each on
 * at most one version), the AWSPENDING placeholder RotateSecret registers before createSecret,
 * PutSecretValue's token rules, and AWSPREVIOUS following a moved AWSCURRENT. Every call is
 * logged, for call-count and order assertions.
 */
import type { RotationStore } from '#functions/rotate/deps.js';
import {
  type PutOptions,
  type SecretMetadata,
  type SecretValue,
  Stage,
} from '#shared/aws/secret-store.js';
import { Sensitive } from '#shared/sensitive.js';

export interface StoreCall {
  readonly op: 'describe' | 'read' | 'putValue' | 'promote';
  readonly secretId: string;
  readonly stage?: string;
  readonly versionId?: string;
  readonly fromVersionId?: string;
  readonly rotationToken?: string;
}

interface FakeVersion {
  value: string | undefined;
  stages: Set<string>;
}

interface FakeSecret {
  rotationEnabled: boolean;
  versions: Map<string, FakeVersion>;
  tags: Record<string, string>;
}

export class FakeSecretStore implements RotationStore {
  public readonly calls: StoreCall[] = [];
  readonly #secrets = new Map<string, FakeSecret>();
  readonly #failures: { op: StoreCall['op']; error: Error }[] = [];
  readonly #alwaysFailing = new Map<string, Error>();

  /** A store holding one secret whose AWSCURRENT is `value` (version `v-current`). */
  public static withCurrent(secretId: string, value: string): FakeSecretStore {
    const store = new FakeSecretStore();
    store.addVersion(secretId, 'v-current', value, [Stage.Current]);
    return store;
  }

  public addVersion(
    secretId: string,
    versionId: string,
    value: string | undefined,
    stages: readonly string[],
  ): void {
    const secret = this.#secret(secretId) ?? {
      rotationEnabled: true,
      versions: new Map(),
      tags: {},
    };
    this.#secrets.set(secretId, secret);
    secret.versions.set(versionId, { value, stages: new Set() });
    for (const stage of stages) this.#label(secret, stage, versionId);
  }

  /** What RotateSecret does before invoking createSecret: an empty AWSPENDING version. */
  public startRotation(secretId: string, token: string): void {
    this.addVersion(secretId, token, undefined, [Stage.Pending]);
  }

  /** The tags DescribeSecret reports for the secret. */
  public setTags(secretId: string, tags: Record<string, string>): void {
    const secret = this.#secret(secretId);
    if (secret) secret.tags = { ...tags };
  }

  /** Makes every call about `secretId` fail with `error` (e.g. AccessDenied on a superuser). */
  public failAlways(secretId: string, error: Error): void {
    this.#alwaysFailing.set(secretId, error);
  }

  public setRotationEnabled(secretId: string, enabled: boolean): void {
    const secret = this.#secret(secretId);
    if (secret) secret.rotationEnabled = enabled;
  }

  /** Makes the next call of `op` fail with `error`, before it changes anything. */
  public failNext(op: StoreCall['op'], error: Error): void {
    this.#failures.push({ op, error });
  }

  /** Every version's value and labels, for whole-state comparisons. */
  public versionsOf(
    secretId: string,
  ): Record<string, { value: string | undefined; stages: string[] }> {
    const out: Record<string, { value: string | undefined; stages: string[] }> = {};
    for (const [id, version] of this.#secret(secretId)?.versions ?? []) {
      out[id] = { value: version.value, stages: [...version.stages].sort() };
    }
    return out;
  }

  /** The value of the version holding `stage`, or undefined. */
  public valueAt(secretId: string, stage: string): string | undefined {
    for (const version of this.#secret(secretId)?.versions.values() ?? []) {
      if (version.stages.has(stage)) return version.value;
    }
    return undefined;
  }

  /** DescribeSecret of a secret the test made (the step's request carries it). */
  public async metadataOf(secretId: string): Promise<SecretMetadata> {
    const metadata = await this.describe(secretId);
    if (metadata === undefined) throw new Error(`no secret ${secretId} in the fake`);
    return metadata;
  }

  public count(op: StoreCall['op']): number {
    return this.calls.filter((call) => call.op === op).length;
  }

  public async describe(secretId: string): Promise<SecretMetadata | undefined> {
    this.#record({ op: 'describe', secretId });
    const secret = this.#secret(secretId);
    if (secret === undefined) return undefined;
    const versions: Record<string, string[]> = {};
    for (const [id, version] of secret.versions) {
      if (version.stages.size > 0) versions[id] = [...version.stages];
    }
    const current = Object.entries(versions).find(([, stages]) => stages.includes(Stage.Current));
    return {
      arn: secretId,
      name: secretId,
      rotationEnabled: secret.rotationEnabled,
      versions,
      ...(current === undefined ? {} : { currentVersionId: current[0] }),
      deleted: false,
      tags: { ...secret.tags },
    };
  }

  public async read(
    secretId: string,
    stage: string = Stage.Current,
    versionId?: string,
  ): Promise<SecretValue | undefined> {
    this.#record({ op: 'read', secretId, stage, ...(versionId ? { versionId } : {}) });
    for (const [id, version] of this.#secret(secretId)?.versions ?? []) {
      if (!version.stages.has(stage) || (versionId !== undefined && id !== versionId)) continue;
      if (version.value === undefined) return undefined;
      return {
        arn: secretId,
        name: secretId,
        versionId: id,
        stages: [...version.stages],
        createdDate: new Date(0),
        value: new Sensitive(version.value),
      };
    }
    return undefined;
  }

  public async putValue(
    secretId: string,
    token: string,
    value: Sensitive<string>,
    { stages = [Stage.Current], rotationToken }: PutOptions = {},
  ): Promise<'created' | 'exists'> {
    this.#record({
      op: 'putValue',
      secretId,
      versionId: token,
      ...(rotationToken ? { rotationToken } : {}),
    });
    const secret = this.#require(secretId);
    const existing = secret.versions.get(token);
    if (existing?.value !== undefined) {
      // PutSecretValue: same token and value does nothing; another value is ResourceExists.
      return existing.value === value.reveal() ? 'created' : 'exists';
    }
    secret.versions.set(token, { value: value.reveal(), stages: existing?.stages ?? new Set() });
    for (const stage of stages) this.#label(secret, stage, token);
    return 'created';
  }

  public async promote(
    secretId: string,
    token: string,
    fromVersionId: string | undefined,
  ): Promise<void> {
    this.#record({
      op: 'promote',
      secretId,
      versionId: token,
      ...(fromVersionId ? { fromVersionId } : {}),
    });
    const secret = this.#require(secretId);
    if (!secret.versions.has(token))
      throw new Error(`ResourceNotFoundException: no version ${token}`);
    const holder = [...secret.versions].find(([, v]) => v.stages.has(Stage.Current))?.[0];
    if (holder === token) return;
    if (holder !== fromVersionId) {
      throw new Error('InvalidParameterException: RemoveFromVersionId does not hold AWSCURRENT');
    }
    this.#label(secret, Stage.Current, token);
    if (holder !== undefined) this.#label(secret, Stage.Previous, holder);
  }

  #record(call: StoreCall): void {
    this.calls.push(call);
    const always = this.#alwaysFailing.get(call.secretId);
    if (always) throw always;
    const index = this.#failures.findIndex((failure) => failure.op === call.op);
    if (index >= 0) {
      const [failure] = this.#failures.splice(index, 1);
      if (failure) throw failure.error;
    }
  }

  #secret(secretId: string): FakeSecret | undefined {
    return this.#secrets.get(secretId);
  }

  #require(secretId: string): FakeSecret {
    const secret = this.#secret(secretId);
    if (!secret) throw new Error(`ResourceNotFoundException: no secret ${secretId}`);
    return secret;
  }

  #label(secret: FakeSecret, stage: string, versionId: string): void {
    for (const version of secret.versions.values()) version.stages.delete(stage);
    secret.versions.get(versionId)?.stages.add(stage);
  }
}
