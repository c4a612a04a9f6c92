/**
 * Reads the superuser secret a rotated secret names in `masterarn`, by its own AWSCURRENT, for the
 * alternating-users strategy. Two shapes work, as with the official multi-user templates:
 * - a database secret of its own (`engine`, `host`, `username`, `password`, …);
 * - an RDS-managed master secret (only `username` and `password`), tagged
 *   `aws:rds:primaryDBInstanceArn` or `aws:rds:primaryDBClusterArn` (keys compared
 *   case-insensitively): host, port and engine then come from the RDS API
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
 * Any other outcome (missing, unreadable, not JSON, unusable) is a SuperuserSecretError that names
 * the superuser secret and never its value; nothing is changed before it is thrown.
 */
import type { RdsDirectory, RdsResourceKind } from '#shared/aws/rds-directory.js';
import { type SecretStore, Stage } from '#shared/aws/secret-store.js';
import type { DbCredentials, TlsMode } from '#shared/engines/engine.js';
import { isSecretEngine, type SecretEngine } from '#shared/engines/secret-engines.js';
import {
  AwsCallError,
  type ErrorWhere,
  SecretFormatError,
  SuperuserSecretError,
} from '#shared/errors.js';
import { parseDatabaseSecret } from '#shared/inputs/database-secret.js';
import { Sensitive } from '#shared/sensitive.js';

/** A usable superuser: its credentials and where it says the database listens. */
export interface SuperuserSecret {
  readonly secretId: string;
  readonly credentials: DbCredentials;
  readonly engine: SecretEngine;
  /** Where the superuser logs in. */
  readonly host: string;
  readonly port: number;
  /** The names of that database: the rotated secret's host must be one of them. */
  readonly hostnames: readonly string[];
  /** From the superuser secret's own `ssl`; `undefined` when it has none (the rotated one's decides). */
  readonly tls: TlsMode | undefined;
  /** `secret`: host and engine written in the secret; `rds`: looked up from its RDS tag. */
  readonly endpointFrom: 'secret' | 'rds';
}

/** Reads superuser secrets; the port the alternating-users strategy uses. */
export interface SuperuserSecrets {
  /** The superuser `masterarn` names. Throws SuperuserSecretError when it cannot be used. */
  read(masterarn: string, where: ErrorWhere): Promise<SuperuserSecret>;
}

const RDS_TAGS: Readonly<Record<string, RdsResourceKind>> = {
  'aws:rds:primarydbinstancearn': 'instance',
  'aws:rds:primarydbclusterarn': 'cluster',
};

// The official templates refuse longer tag values; RDS ARNs are far shorter.
const MAX_RDS_ARN_LENGTH = 256;

// RDS calls Aurora MySQL 1 (MySQL 5.6 compatible) just `aurora`.
const RDS_ENGINE_ALIASES: Readonly<Record<string, SecretEngine>> = { aurora: 'aurora-mysql' };

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

/** The service's error code for an AWS failure, else the error's name. */
const errorName = (error: unknown): string => {
  if (error instanceof AwsCallError) return error.code;
  return error instanceof Error ? error.name : 'error';
};

/**
 * SuperuserSecrets over the rotation's SecretStore (the remembering one, so the superuser's
 * password is scrubbed from any error) and an RDS lookup for RDS-managed master secrets.
 *
 * @example
 * const superusers = superuserSecrets(store, new RdsApiDirectory());
 */
export const superuserSecrets = (
  store: Pick<SecretStore, 'read' | 'describe'>,
  rds: Pick<RdsDirectory, 'endpointOf'>,
): SuperuserSecrets => {
  const fail = (arn: string, problem: string, where: ErrorWhere, cause?: unknown): never => {
    throw new SuperuserSecretError(
      arn,
      problem,
      where,
      cause === undefined ? undefined : { cause },
    );
  };

  const readText = async (arn: string, where: ErrorWhere): Promise<Sensitive<string>> => {
    let version: Awaited<ReturnType<SecretStore['read']>>;
    try {
      version = await store.read(arn, Stage.Current);
    } catch (error) {
      return fail(arn, `could not be read (${errorName(error)})`, where, error);
    }
    if (version === undefined) return fail(arn, 'has no AWSCURRENT version', where);
    return version.value;
  };

  const parseFields = (arn: string, text: Sensitive<string>, where: ErrorWhere) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.reveal());
    } catch {
      // JSON.parse's message can quote the text: it is dropped, not kept as a cause.
      return fail(arn, 'is not JSON', where);
    }
    if (!isRecord(parsed)) return fail(arn, 'is not a JSON object', where);
    return parsed;
  };

  const credentialsOf = (
    arn: string,
    fields: Record<string, unknown>,
    where: ErrorWhere,
  ): DbCredentials => {
    const { username, password } = fields;
    if (typeof username !== 'string' || username === '') {
      return fail(arn, 'has no "username" string', where);
    }
    if (typeof password !== 'string' || password === '') {
      return fail(arn, 'has no "password" string', where);
    }
    return { username, password: new Sensitive(password) };
  };

  const fromSecret = (
    arn: string,
    text: Sensitive<string>,
    fields: Record<string, unknown>,
    where: ErrorWhere,
  ) => {
    try {
      // No `where`: the message is wrapped below, which names the superuser secret.
      const secret = parseDatabaseSecret(text);
      return {
        secretId: arn,
        credentials: { username: secret.username, password: secret.password },
        engine: secret.engine,
        host: secret.host,
        port: secret.port,
        hostnames: [secret.host],
        tls: fields.ssl === undefined || fields.ssl === null ? undefined : secret.tls,
        endpointFrom: 'secret',
      } satisfies SuperuserSecret;
    } catch (error) {
      if (!(error instanceof SecretFormatError)) throw error;
      return fail(arn, `is unusable: ${error.message}`, where, error);
    }
  };

  const rdsTagOf = async (arn: string, where: ErrorWhere) => {
    let tags: Readonly<Record<string, string>> | undefined;
    try {
      tags = (await store.describe(arn))?.tags;
    } catch (error) {
      return fail(arn, `could not be described (${errorName(error)})`, where, error);
    }
    if (tags === undefined) return fail(arn, 'does not exist', where);
    for (const [key, value] of Object.entries(tags)) {
      // An own key only: a tag named `constructor` is a tag, not Object's constructor.
      const lower = key.toLowerCase();
      const kind = Object.hasOwn(RDS_TAGS, lower) ? RDS_TAGS[lower] : undefined;
      if (kind === undefined) continue;
      if (value.length === 0 || value.length > MAX_RDS_ARN_LENGTH) {
        return fail(arn, `has a tag ${key} that is not an RDS ARN`, where);
      }
      return { kind, rdsArn: value };
    }
    return fail(
      arn,
      'names no host and is not an RDS-managed master secret (no aws:rds:primaryDBInstanceArn or aws:rds:primaryDBClusterArn tag)',
      where,
    );
  };

  const fromRds = async (
    arn: string,
    credentials: DbCredentials,
    where: ErrorWhere,
  ): Promise<SuperuserSecret> => {
    const { kind, rdsArn } = await rdsTagOf(arn, where);
    let endpoint: Awaited<ReturnType<RdsDirectory['endpointOf']>>;
    try {
      endpoint = await rds.endpointOf(kind, rdsArn);
    } catch (error) {
      return fail(
        arn,
        `names RDS ${kind} ${rdsArn}, which RDS could not describe (${errorName(error)})`,
        where,
        error,
      );
    }
    if (endpoint === undefined) {
      return fail(
        arn,
        `names RDS ${kind} ${rdsArn}, which RDS does not know or gives no endpoint`,
        where,
      );
    }
    const engine = RDS_ENGINE_ALIASES[endpoint.engine] ?? endpoint.engine;
    if (!isSecretEngine(engine)) {
      return fail(
        arn,
        `names RDS ${kind} ${rdsArn}, whose engine ${endpoint.engine} Rotasync does not rotate`,
        where,
      );
    }
    return {
      secretId: arn,
      credentials,
      engine,
      host: endpoint.host,
      port: endpoint.port,
      hostnames: endpoint.hostnames,
      // RDS writes no `ssl` into its master secrets: the rotated secret's own `ssl` decides.
      tls: undefined,
      endpointFrom: 'rds',
    };
  };

  return {
    read: async (masterarn, where) => {
      const text = await readText(masterarn, where);
      const fields = parseFields(masterarn, text, where);
      if (fields.host !== undefined && fields.host !== null) {
        return fromSecret(masterarn, text, fields, where);
      }
      return fromRds(masterarn, credentialsOf(masterarn, fields, where), where);
    },
  };
};
