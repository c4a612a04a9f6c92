/**
 * Shared set-up for the conformance suite: one target per test file, a client per Region, unique
 * secret names under a per-run prefix, and clean-up of every name handed out.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  type CreateSecretCommandInput,
  DeleteSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll } from 'vitest';
import { type ConformanceTarget, openConformanceTarget } from './endpoint.js';

/** A secret created by a test, with the fields every CreateSecret response carries. */
export interface CreatedSecret {
  readonly name: string;
  readonly arn: string;
  /** The initial version, or `undefined` when the secret was created without a value. */
  readonly versionId: string | undefined;
}

/** What a conformance test file works with; valid once the file's `beforeAll` has run. */
export interface Conformance {
  readonly target: ConformanceTarget;
  /** Client for `target.region`. */
  readonly sm: SecretsManagerClient;
  /** Client for `target.otherRegion`. */
  readonly smOther: SecretsManagerClient;
  /** The per-run prefix every secret name starts with, e.g. `rotasync-conformance/1a2b3c4d/`. */
  readonly prefix: string;
  /** A fresh secret name under the run prefix, registered for clean-up in both Regions. */
  uniqueName(label: string): string;
  /** Registers names made from a unique name (e.g. `${name}/child`) for clean-up too. */
  track(...names: string[]): void;
  /** CreateSecret under a fresh name; `input` may override anything but the name. */
  createSecret(
    label: string,
    input?: Omit<CreateSecretCommandInput, 'Name'>,
    client?: SecretsManagerClient,
  ): Promise<CreatedSecret>;
  /** DescribeSecret's `VersionIdsToStages`, never undefined. */
  stagesOf(
    secretId: string,
    client?: SecretsManagerClient,
  ): Promise<Readonly<Record<string, readonly string[]>>>;
  /** DescribeSecret. */
  describe(secretId: string, client?: SecretsManagerClient): Promise<DescribeSecretCommandOutput>;
  /**
   * Retries `assertion` until it passes. Against another endpoint listings are eventually
   * consistent, so this waits up to a minute; against the local cloud it runs once.
   */
  eventually<T>(assertion: () => Promise<T>): Promise<T>;
}

const RUN_PREFIX = `rotasync-conformance/${randomBytes(4).toString('hex')}/`;

/** The ARN shape `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random chars>`. */
export const arnPattern = (region: string, name: string): RegExp =>
  new RegExp(
    `^arn:aws:secretsmanager:${escapeRegExp(region)}:\\d{12}:secret:${escapeRegExp(name)}-[A-Za-z0-9]{6}$`,
  );

/** The ARN without its final `-XXXXXX`: a partial ARN as the service accepts it. */
export const partialArnOf = (arn: string): string => arn.slice(0, -7);

/** The account id field of a Secrets Manager ARN. */
export const accountOf = (arn: string): string => arn.split(':')[4] ?? '';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const clientFor = (target: ConformanceTarget, region: string): SecretsManagerClient =>
  new SecretsManagerClient({
    region,
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    // Against the local cloud a failure should surface as it is, not after retries.
    ...(target.kind === 'local' ? { maxAttempts: 1 } : {}),
  });

/**
 * Registers this test file's `beforeAll`/`afterAll`: opens the target (starting the local cloud
 * unless another endpoint is named), and at the end force-deletes every name handed out, in both
 * Regions, then closes the target. Call once at the top of a test file.
 */
export const useConformance = (): Conformance => {
  let opened:
    | { target: ConformanceTarget; sm: SecretsManagerClient; smOther: SecretsManagerClient }
    | undefined;
  const names = new Set<string>();
  let counter = 0;

  const state = () => {
    if (opened === undefined) throw new Error('useConformance: used before beforeAll ran');
    return opened;
  };

  beforeAll(async () => {
    const target = await openConformanceTarget();
    opened = {
      target,
      sm: clientFor(target, target.region),
      smOther: clientFor(target, target.otherRegion),
    };
  });

  afterAll(async () => {
    if (opened === undefined) return;
    const { target, sm, smOther } = opened;
    // ForceDeleteWithoutRecovery does not fail for a missing secret; any other failure here
    // must not hide the tests' own results, so clean-up errors are ignored.
    for (const name of names) {
      for (const client of [sm, smOther]) {
        await client
          .send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }))
          .catch(() => undefined);
      }
    }
    sm.destroy();
    smOther.destroy();
    await target.close();
  });

  const uniqueName = (label: string): string => {
    counter += 1;
    // `_<n>` rather than `-<n>`: a name ending in a hyphen and six characters reads as an ARN suffix.
    const name = `${RUN_PREFIX}${label}_${counter}`;
    names.add(name);
    return name;
  };

  const describe = (secretId: string, client?: SecretsManagerClient) =>
    (client ?? state().sm).send(new DescribeSecretCommand({ SecretId: secretId }));

  return {
    get target() {
      return state().target;
    },
    get sm() {
      return state().sm;
    },
    get smOther() {
      return state().smOther;
    },
    prefix: RUN_PREFIX,
    uniqueName,
    track(...more) {
      for (const name of more) names.add(name);
    },
    async createSecret(label, input = {}, client) {
      const name = uniqueName(label);
      const out = await (client ?? state().sm).send(
        new CreateSecretCommand({ ...input, Name: name }),
      );
      if (out.ARN === undefined) throw new Error(`CreateSecret ${name}: no ARN in the response`);
      return { name, arn: out.ARN, versionId: out.VersionId };
    },
    describe,
    async stagesOf(secretId, client) {
      return (await describe(secretId, client)).VersionIdsToStages ?? {};
    },
    async eventually<T>(assertion: () => Promise<T>): Promise<T> {
      const attempts = state().target.kind === 'local' ? 1 : 30;
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await assertion();
        } catch (error) {
          if (attempt >= attempts) throw error;
          await sleep(2_000);
        }
      }
    },
  };
};

/** The version ids holding `stage` in a `VersionIdsToStages` map. */
export const versionsWith = (
  stages: Readonly<Record<string, readonly string[]>>,
  stage: string,
): string[] =>
  Object.entries(stages)
    .filter(([, labels]) => labels.includes(stage))
    .map(([versionId]) => versionId);

/** A ClientRequestToken (32..64 characters) that no other call uses. */
export const newToken = (): string => randomBytes(18).toString('hex');
