import { randomUUID } from 'node:crypto';
import type {
  NewSecret,
  PutOptions,
  RotationRules,
  SecretMetadata,
  SecretPage,
  SecretStore,
  SecretStores,
  SecretValue,
} from '#shared/aws/secret-store.js';
import { AwsCallError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';

/** The AwsCallError the real adapter would throw for `code`. */
const failure = (code: string, transient: boolean, operation: string, secretId?: string) =>
  new AwsCallError(
    { service: 'Secrets Manager', code, transient },
    {
      operation,
      ...(secretId === undefined ? {} : { secretId }),
    },
  );

interface FakeVersion {
  readonly value: string;
  readonly createdDate: Date;
  readonly stages: Set<string>;
}

interface FakeSecret {
  readonly arn: string;
  readonly name: string;
  description?: string;
  kmsKeyId?: string;
  readonly tags: Record<string, string>;
  readonly versions: Map<string, FakeVersion>;
  deleted: boolean;
  /** Rotation as DescribeSecret shows it: absent until configured once. */
  rotation?: { enabled: boolean; lambdaArn: string; rules: RotationRules };
}

/** One recorded call: Region, operation, the secret it named. */
export interface FakeCall {
  readonly region: string;
  readonly operation: string;
  readonly secretId: string | undefined;
}

const WRITES = new Set([
  'CreateSecret',
  'PutSecretValue',
  'UpdateSecretVersionStage',
  'TagResource',
  'UntagResource',
  'RotateSecret',
  'CancelRotateSecret',
  'DeleteSecret',
]);

/**
 * Secrets Manager in memory across Regions, as the SecretStore adapter presents it (the SDK's
 * retries are below it), modelling what replication relies on: AWSCURRENT and AWSPREVIOUS
 * moves, idempotent tokens, tags, deletion. Each call yields to the event loop a
 * random number of times (seeded), so concurrent callers interleave.
 */
export class FakeSecretsManager {
  readonly #regions = new Map<string, Map<string, FakeSecret>>();
  readonly #down = new Set<string>();
  readonly #failures: { region: string; operation: string; count: number; transient: boolean }[] =
    [];
  #clock = Date.parse('2026-01-01T00:00:00Z');
  #seed: number;
  public readonly calls: FakeCall[] = [];
  public pageSize = 100;
  public maxYields = 0;

  public constructor(seed = 1) {
    this.#seed = seed;
  }

  public random(): number {
    // mulberry32: small, seeded, good enough to shuffle interleavings.
    this.#seed = (this.#seed + 0x6d2b79f5) | 0;
    let t = this.#seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  public readonly store: SecretStores = (region = 'us-east-1') => this.#regional(region);

  #secrets(region: string): Map<string, FakeSecret> {
    let secrets = this.#regions.get(region);
    if (secrets === undefined) {
      secrets = new Map();
      this.#regions.set(region, secrets);
    }
    return secrets;
  }

  #find(region: string, secretId: string): FakeSecret | undefined {
    const secrets = this.#secrets(region);
    return secrets.get(secretId) ?? [...secrets.values()].find((secret) => secret.arn === secretId);
  }

  #addVersion(secret: FakeSecret, versionId: string, value: string, stages: string[]): void {
    for (const stage of stages) {
      for (const [id, version] of secret.versions) {
        if (version.stages.delete(stage) && stage === 'AWSCURRENT') {
          for (const other of secret.versions.values()) other.stages.delete('AWSPREVIOUS');
          secret.versions.get(id)?.stages.add('AWSPREVIOUS');
        }
      }
    }
    this.#clock += 1000;
    secret.versions.set(versionId, {
      value,
      createdDate: new Date(this.#clock),
      stages: new Set(stages),
    });
  }

  /** Creates a secret directly (no call recorded); returns its ARN. */
  public seed(
    region: string,
    input: {
      name: string;
      value?: string;
      tags?: Record<string, string>;
      description?: string;
      kmsKeyId?: string;
      arn?: string;
      rotation?: { lambdaArn: string; rules: RotationRules };
    },
  ): string {
    const arn =
      input.arn ??
      `arn:aws:secretsmanager:${region}:123456789012:secret:${input.name}-${randomUUID().slice(0, 6)}`;
    const secret: FakeSecret = {
      arn,
      name: input.name,
      tags: { ...(input.tags ?? {}) },
      versions: new Map(),
      deleted: false,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.kmsKeyId === undefined ? {} : { kmsKeyId: input.kmsKeyId }),
      ...(input.rotation === undefined ? {} : { rotation: { enabled: true, ...input.rotation } }),
    };
    this.#secrets(region).set(input.name, secret);
    if (input.value !== undefined)
      this.#addVersion(secret, randomUUID(), input.value, ['AWSCURRENT']);
    return arn;
  }

  /** A new source version made current (as PutSecretValue does); returns its id. */
  public change(region: string, name: string, value: string): string {
    const secret = this.#find(region, name);
    if (secret === undefined) throw new Error(`no ${name} in ${region}`);
    const id = randomUUID();
    this.#addVersion(secret, id, value, ['AWSCURRENT']);
    return id;
  }

  /** Moves AWSCURRENT back to an existing version (a rollback). */
  public rollback(region: string, name: string, versionId: string): void {
    const secret = this.#find(region, name);
    for (const version of secret?.versions.values() ?? []) version.stages.delete('AWSCURRENT');
    secret?.versions.get(versionId)?.stages.add('AWSCURRENT');
  }

  public markDeleted(region: string, name: string): void {
    const secret = this.#find(region, name);
    if (secret !== undefined) secret.deleted = true;
  }

  public currentValue(region: string, name: string): string | undefined {
    const secret = this.#find(region, name);
    return [...(secret?.versions.values() ?? [])].find((v) => v.stages.has('AWSCURRENT'))?.value;
  }

  /** The secret's metadata as DescribeSecret would give it (no call recorded). */
  public metaOf(region: string, name: string): SecretMetadata | undefined {
    const secret = this.#find(region, name);
    return secret === undefined ? undefined : this.#stored(secret);
  }

  public tagsOf(region: string, name: string): Record<string, string> | undefined {
    return this.#find(region, name)?.tags;
  }

  public exists(region: string, name: string): boolean {
    const secret = this.#find(region, name);
    return secret !== undefined && !secret.deleted;
  }

  public setDown(region: string, down: boolean): void {
    if (down) this.#down.add(region);
    else this.#down.delete(region);
  }

  public failNext(region: string, operation: string, count: number, transient = true): void {
    this.#failures.push({ region, operation, count, transient });
  }

  public writes(region?: string): FakeCall[] {
    return this.calls.filter(
      (call) => WRITES.has(call.operation) && (region === undefined || call.region === region),
    );
  }

  public count(operation: string, region?: string): number {
    return this.calls.filter(
      (call) => call.operation === operation && (region === undefined || call.region === region),
    ).length;
  }

  async #enter(region: string, operation: string, secretId: string | undefined): Promise<void> {
    // Writes land later than reads, which widens the window between a check and its write.
    const spread = WRITES.has(operation) ? this.maxYields * 6 : this.maxYields;
    const yields = Math.floor(this.random() * (spread + 1));
    for (let i = 0; i < yields; i += 1) await new Promise((resolve) => setImmediate(resolve));
    this.calls.push({ region, operation, secretId });
    if (this.#down.has(region)) {
      throw failure('NetworkingError', true, `${operation} in ${region}`, secretId);
    }
    const planned = this.#failures.find(
      (f) => f.region === region && f.operation === operation && f.count > 0,
    );
    if (planned !== undefined) {
      planned.count -= 1;
      throw failure(
        'ThrottlingException',
        planned.transient,
        `${operation} in ${region}`,
        secretId,
      );
    }
  }

  #stored(secret: FakeSecret): SecretMetadata {
    const current = [...secret.versions].find(([, v]) => v.stages.has('AWSCURRENT'))?.[0];
    return {
      arn: secret.arn,
      name: secret.name,
      tags: { ...secret.tags },
      versions: Object.fromEntries(
        [...secret.versions].map(([id, version]) => [id, [...version.stages]]),
      ),
      deleted: secret.deleted,
      // As the adapter reads DescribeSecret: a secret never configured for rotation says nothing.
      rotationEnabled: secret.rotation?.enabled !== false,
      ...(secret.rotation === undefined
        ? {}
        : { rotationLambdaArn: secret.rotation.lambdaArn, rotationRules: secret.rotation.rules }),
      ...(secret.description === undefined ? {} : { description: secret.description }),
      ...(secret.kmsKeyId === undefined ? {} : { kmsKeyId: secret.kmsKeyId }),
      ...(current === undefined ? {} : { currentVersionId: current }),
    };
  }

  #value(secret: FakeSecret, stage = 'AWSCURRENT', versionId?: string): SecretValue | undefined {
    const entry = [...secret.versions].find(
      ([id, v]) => v.stages.has(stage) && (versionId === undefined || id === versionId),
    );
    if (entry === undefined) return undefined;
    const [id, version] = entry;
    return {
      arn: secret.arn,
      name: secret.name,
      versionId: id,
      stages: [...version.stages],
      createdDate: version.createdDate,
      value: new Sensitive(version.value),
    };
  }

  #regional(region: string): SecretStore {
    const fake = this;
    const require = (secretId: string, operation: string): FakeSecret => {
      const secret = fake.#find(region, secretId);
      if (secret === undefined) {
        throw failure('ResourceNotFoundException', false, `${operation} in ${region}`, secretId);
      }
      return secret;
    };
    return {
      async describe(secretId) {
        await fake.#enter(region, 'DescribeSecret', secretId);
        const secret = fake.#find(region, secretId);
        return secret === undefined ? undefined : fake.#stored(secret);
      },
      async read(secretId, stage, versionId) {
        await fake.#enter(region, 'GetSecretValue', secretId);
        const secret = fake.#find(region, secretId);
        return secret === undefined || secret.deleted
          ? undefined
          : fake.#value(secret, stage, versionId);
      },
      async readCurrentBatch(secretIds) {
        await fake.#enter(region, 'BatchGetSecretValue', undefined);
        if (secretIds.length > 20) throw new Error('BatchGetSecretValue takes at most 20 ids');
        return new Map(
          secretIds.map((id) => {
            const secret = fake.#find(region, id);
            return [id, secret === undefined || secret.deleted ? undefined : fake.#value(secret)];
          }),
        );
      },
      async create(secret: NewSecret) {
        await fake.#enter(region, 'CreateSecret', secret.name);
        if (fake.#find(region, secret.name) !== undefined) return 'exists';
        const created: FakeSecret = {
          arn: `arn:aws:secretsmanager:${region}:123456789012:secret:${secret.name}-${randomUUID().slice(0, 6)}`,
          name: secret.name,
          tags: { ...secret.tags },
          versions: new Map(),
          deleted: false,
          ...(secret.description === undefined ? {} : { description: secret.description }),
          ...(secret.kmsKeyId === undefined ? {} : { kmsKeyId: secret.kmsKeyId }),
        };
        fake.#secrets(region).set(secret.name, created);
        fake.#addVersion(created, secret.token, secret.value.reveal(), ['AWSCURRENT']);
        return 'created';
      },
      async putValue(secretId, token, value, options: PutOptions = {}) {
        await fake.#enter(region, 'PutSecretValue', secretId);
        const secret = require(secretId, 'PutSecretValue');
        const existing = secret.versions.get(token);
        // The same token and value again changes nothing; another value is ResourceExists.
        if (existing !== undefined) return existing.value === value.reveal() ? 'created' : 'exists';
        fake.#addVersion(secret, token, value.reveal(), [...(options.stages ?? ['AWSCURRENT'])]);
        return 'created';
      },
      async promote(secretId, versionId, fromVersionId) {
        await fake.#enter(region, 'UpdateSecretVersionStage', secretId);
        const secret = require(secretId, 'UpdateSecretVersionStage');
        const holder = [...secret.versions].find(([, v]) => v.stages.has('AWSCURRENT'))?.[0];
        if (holder !== undefined && holder !== versionId && holder !== fromVersionId) {
          throw failure('InvalidParameterException', false, 'UpdateSecretVersionStage', secretId);
        }
        const target = secret.versions.get(versionId);
        if (target === undefined) {
          throw failure('ResourceNotFoundException', false, 'UpdateSecretVersionStage', secretId);
        }
        if (holder === versionId) return;
        for (const version of secret.versions.values()) version.stages.delete('AWSPREVIOUS');
        if (holder !== undefined) {
          const old = secret.versions.get(holder);
          old?.stages.delete('AWSCURRENT');
          old?.stages.add('AWSPREVIOUS');
        }
        target.stages.add('AWSCURRENT');
      },
      async unstage(secretId, stage, versionId) {
        await fake.#enter(region, 'UpdateSecretVersionStage', secretId);
        const secret = require(secretId, 'UpdateSecretVersionStage');
        const version = secret.versions.get(versionId);
        // As the service: removing a label from a version that does not hold it is refused.
        if (version === undefined || !version.stages.has(stage)) {
          throw failure('InvalidParameterException', false, 'UpdateSecretVersionStage', secretId);
        }
        version.stages.delete(stage);
      },
      async tag(secretId, tags) {
        await fake.#enter(region, 'TagResource', secretId);
        Object.assign(require(secretId, 'TagResource').tags, tags);
      },
      async remove(secretId) {
        await fake.#enter(region, 'DeleteSecret', secretId);
        require(secretId, 'DeleteSecret').deleted = true;
      },
      async untag(secretId, keys) {
        await fake.#enter(region, 'UntagResource', secretId);
        const secret = require(secretId, 'UntagResource');
        for (const key of keys) delete secret.tags[key];
      },
      async enableRotation(secretId, lambdaArn, rules) {
        await fake.#enter(region, 'RotateSecret', secretId);
        require(secretId, 'RotateSecret').rotation = { enabled: true, lambdaArn, rules };
      },
      async cancelRotation(secretId) {
        await fake.#enter(region, 'CancelRotateSecret', secretId);
        const secret = require(secretId, 'CancelRotateSecret');
        if (secret.rotation !== undefined) secret.rotation.enabled = false;
      },
      async list(options = {}): Promise<SecretPage> {
        await fake.#enter(region, 'ListSecrets', undefined);
        const all = [...fake.#secrets(region).values()]
          .filter((secret) => !secret.deleted)
          .filter((secret) => options.tagKey === undefined || options.tagKey in secret.tags)
          .filter(
            (secret) =>
              options.namePrefix === undefined || secret.name.startsWith(options.namePrefix),
          )
          .sort((a, b) => a.name.localeCompare(b.name));
        const start = Number(options.nextToken ?? '0');
        const page = all.slice(start, start + fake.pageSize).map((secret) => fake.#stored(secret));
        const next = start + fake.pageSize;
        return { secrets: page, ...(next < all.length ? { nextToken: String(next) } : {}) };
      },
    };
  }
}
