/**
 * `rotasync status [--check]`: every managed secret of the Region, with its rotation (on, schedule,
 * last and next rotation, last outcome) and its replicas (in sync or not, read from each replica
 * Region). Metadata only: no secret value is read. `--check` exits 1 when a source's rotation is
 * off, overdue or failing, for compliance jobs. How each judgement is made: ../status/assess.ts.
 *
 * A secret is managed when its rotation function is this deployment's `rotate`, or it carries a
 * `rotasync:` tag (a replica, a replicated or failed-over source); `--all` lists every secret.
 */
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ListSecretVersionIdsCommand } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { awsCall, isNotFound } from '../aws.js';
import type { CommandContext, CommandResult } from '../context.js';
import { CallFailedError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { deployedName } from '../invoke-function.js';
import { regionOfArn } from '../names.js';
import { parseDuration, parseRegionList, type RawCommonOptions } from '../options.js';
import {
  assessRotation,
  type LastOutcome,
  type RotationProblem,
  replicaSyncStatus,
  type SyncStatus,
} from '../status/assess.js';
import {
  currentVersionOf,
  listRegion,
  type RegionInventory,
  type SecretEntry,
  unfinishedVersionOf,
} from '../status/inventory.js';
import { formatDate, formatDuration, renderTable } from '../table.js';

export interface StatusOptions extends RawCommonOptions {
  readonly check?: boolean;
  readonly all?: boolean;
  readonly namePrefix?: string;
  readonly replicaRegions?: string;
  readonly pendingGrace?: string;
}

/** One replica Region of a source, or a replica's source. */
export interface SyncView {
  readonly region: string;
  readonly status: SyncStatus | 'source-missing' | 'source-deleted';
  readonly error?: string;
}

/** One secret as `status --json` prints it. */
export interface SecretStatus {
  readonly name: string;
  readonly arn: string;
  readonly role: 'source' | 'replica';
  readonly rotation: {
    readonly enabled: boolean;
    readonly function: string | null;
    readonly schedule: string | null;
    readonly window: string | null;
    readonly lastRotated: string | null;
    readonly nextRotation: string | null;
    readonly overdue: boolean;
    readonly lastOutcome: LastOutcome;
    /** The version AWSPENDING was left on, when a rotation did not finish. */
    readonly unfinishedVersion: {
      readonly versionId: string;
      readonly since: string | null;
    } | null;
  };
  /** A failed-over source: the secret it was a replica of, and when it took over. */
  readonly failedOverFrom: { readonly arn: string; readonly at: string | null } | null;
  /** A replica's source and whether the replica holds its current version. */
  readonly source: (SyncView & { readonly arn: string }) | null;
  /** A source's replica Regions and whether each holds its current version. */
  readonly replicas: readonly SyncView[];
  /** Where the replica Regions came from: the secret's tag, --replica-regions, the deployment. */
  readonly replicaRegionsFrom: 'tag' | 'option' | 'deployment' | 'none' | null;
  readonly problems: readonly RotationProblem[];
}

export interface StatusReport {
  readonly region: string;
  readonly at: string;
  readonly rotateFunction: string;
  /** The deployment's replicaRegions, when it could be read (null: only tags and the option). */
  readonly deploymentReplicaRegions: readonly string[] | null;
  readonly secrets: readonly SecretStatus[];
  readonly summary: {
    readonly secrets: number;
    readonly problems: number;
    /** Replica copies (of this Region's sources, or here) that lag, are missing or conflict. */
    readonly replicasNotInSync: number;
    /** Replica copies of this Region's sources that became sources by a failover. */
    readonly replicasFailedOver: number;
  };
}

const DEFAULT_GRACE = '15m';

export const describeStatus = (command: Command): Command =>
  command
    .description(
      'Show every managed secret of the Region: rotation on or off, last and next rotation, last outcome, and its replicas in sync or not (read from each replica Region). Reads metadata only, never a secret value.',
    )
    .option(
      '--check',
      "exit 1 when a source secret's rotation is off, overdue or failing (for compliance jobs)",
    )
    .option('--all', 'every secret of the Region, not only those Rotasync manages')
    .option('--name-prefix <prefix>', 'only secrets whose names start with this')
    .option(
      '--replica-regions <regions>',
      "replica Regions of secrets without a rotasync:replicate-to tag (default: the deployed replicate function's replicaRegions)",
    )
    .option(
      '--pending-grace <duration>',
      'how long an unfinished rotation counts as in progress before it counts as failed',
      DEFAULT_GRACE,
    )
    .addHelpText(
      'after',
      `
Managed secrets: those rotated by the deployment's rotate function, and those tagged rotasync:*.
Last outcome comes from the version stages: AWSPENDING on a version that is not AWSCURRENT means
the last rotation did not finish (in progress within --pending-grace, failed after it); otherwise
a LastRotatedDate means it succeeded. Overdue: NextRotationDate's rotation window has closed.
A replica is in sync when its rotasync:source-version tag names its source's AWSCURRENT version.

Exit codes: 0 shown (and, with --check, no problem); 1 --check found a problem; 2 usage;
3 AWS error listing this Region (a replica Region that cannot be read is shown as unreadable).

Examples:
  rotasync status --region us-east-1
  rotasync status --check --stage prod --json`,
    );

/** Runs `status`. */
export const runStatus = async (
  context: CommandContext,
  options: StatusOptions,
): Promise<CommandResult> => {
  const graceMs = parseDuration(options.pendingGrace ?? DEFAULT_GRACE, '--pending-grace');
  const optionRegions =
    options.replicaRegions === undefined
      ? undefined
      : parseRegionList(options.replicaRegions, '--replica-regions');
  const region = await context.aws.region();
  const now = context.io.now();
  const rotateFunction = deployedName(context, 'rotate');

  const inventories = new Map<string, Promise<RegionInventory>>();
  const inventory = (inRegion: string): Promise<RegionInventory> => {
    let listed = inventories.get(inRegion);
    if (listed === undefined) {
      context.progress.update(`status: listing secrets in ${inRegion}…`);
      listed = listRegion(context.aws.secretsManager(inRegion), inRegion, options.namePrefix);
      inventories.set(inRegion, listed);
    }
    return listed;
  };

  const home = await inventory(region);
  // This Region must be readable: without it there is nothing to show.
  if (!home.ok) throw new CallFailedError(home.error, home.code);
  const managed = home.secrets.filter(
    (secret) =>
      secret.deletedDate === undefined &&
      (options.all === true || isManaged(secret, rotateFunction)),
  );

  const deployment =
    managed.some(needsDefaultRegions) && optionRegions === undefined
      ? await deploymentReplication(context, region)
      : undefined;

  const secrets: SecretStatus[] = [];
  for (const secret of managed) {
    context.progress.update(`status: ${secret.name}…`);
    secrets.push(
      await secretStatus(context, secret, {
        region,
        now,
        graceMs,
        optionRegions,
        deployment,
        inventory,
      }),
    );
  }
  secrets.sort((a, b) => a.name.localeCompare(b.name));
  const problems = secrets.reduce((sum, secret) => sum + secret.problems.length, 0);
  const replicasNotInSync = secrets.reduce(
    (sum, secret) =>
      sum +
      secret.replicas.filter((replica) => !SETTLED.has(replica.status)).length +
      (secret.source !== null && secret.source.status !== 'in-sync' ? 1 : 0),
    0,
  );
  const replicasFailedOver = secrets.reduce(
    (sum, secret) => sum + secret.replicas.filter((r) => r.status === 'failed-over').length,
    0,
  );
  const report: StatusReport = {
    region,
    at: now.toISOString(),
    rotateFunction,
    deploymentReplicaRegions: deployment?.regions ?? null,
    secrets,
    summary: { secrets: secrets.length, problems, replicasNotInSync, replicasFailedOver },
  };
  return {
    exitCode: options.check === true && problems > 0 ? ExitCode.ProblemsFound : ExitCode.Ok,
    json: report,
    text: renderStatus(report, graceMs, options.check === true),
  };
};

const functionNameOf = (arn: string | undefined): string | undefined =>
  arn === undefined ? undefined : (arn.split(':')[6] ?? arn);

const isManaged = (secret: SecretEntry, rotateFunction: string): boolean =>
  functionNameOf(secret.rotationLambdaArn) === rotateFunction ||
  Object.keys(secret.tags).some((key) => key.startsWith('rotasync:'));

const isReplica = (secret: SecretEntry): boolean =>
  secret.tags['rotasync:source-arn'] !== undefined;

const needsDefaultRegions = (secret: SecretEntry): boolean =>
  !isReplica(secret) && secret.tags['rotasync:replicate-to'] === undefined;

/** The deployment's replication settings, read from its replicate function's environment. */
interface DeploymentReplication {
  readonly regions: readonly string[];
  readonly prefix: string;
}

const deploymentReplication = async (
  context: CommandContext,
  region: string,
): Promise<DeploymentReplication | undefined> => {
  const name = deployedName(context, 'replicate');
  context.progress.update(`status: reading ${name}'s replica Regions…`);
  try {
    const configuration = await awsCall(`GetFunctionConfiguration ${name} in ${region}`, () =>
      context.aws.lambda(region).send(new GetFunctionConfigurationCommand({ FunctionName: name })),
    );
    const variables = configuration.Environment?.Variables ?? {};
    return {
      regions: (variables.ROTASYNC_REPLICA_REGIONS ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
      prefix: variables.ROTASYNC_REPLICATED_SECRET_PREFIX ?? '',
    };
  } catch (error) {
    // Not deployed here, or not readable: replica Regions come from tags and the option only.
    if (isNotFound(error) || (error as { code?: string }).code === 'AccessDeniedException') {
      return undefined;
    }
    throw error;
  }
};

interface StatusScope {
  readonly region: string;
  readonly now: Date;
  readonly graceMs: number;
  readonly optionRegions: readonly string[] | undefined;
  readonly deployment: DeploymentReplication | undefined;
  inventory(region: string): Promise<RegionInventory>;
}

const secretStatus = async (
  context: CommandContext,
  secret: SecretEntry,
  scope: StatusScope,
): Promise<SecretStatus> => {
  const replica = isReplica(secret);
  const unfinished = unfinishedVersionOf(secret);
  const pendingSince =
    unfinished === undefined
      ? undefined
      : await createdDateOf(context, scope.region, secret, unfinished);
  const rotation = assessRotation(secret, {
    isSource: !replica,
    unfinished: unfinished !== undefined,
    pendingSince,
    now: scope.now,
    graceMs: scope.graceMs,
  });
  const failedOverFrom = secret.tags['rotasync:failed-over-from'];
  const targets = replica ? { regions: [], from: null } : replicaTargets(secret, scope);
  const current = currentVersionOf(secret);
  const replicas: SyncView[] = [];
  for (const target of targets.regions) {
    const listed = await scope.inventory(target);
    replicas.push(
      listed.ok
        ? { region: target, status: replicaSyncStatus(secret, current, listed.byName(secret.name)) }
        : { region: target, status: 'unreadable', error: listed.error },
    );
  }
  return {
    name: secret.name,
    arn: secret.arn,
    role: replica ? 'replica' : 'source',
    rotation: {
      enabled: rotation.enabled,
      function: secret.rotationLambdaArn ?? null,
      schedule: rotation.schedule,
      window: rotation.window,
      lastRotated: secret.lastRotatedDate?.toISOString() ?? null,
      nextRotation: secret.nextRotationDate?.toISOString() ?? null,
      overdue: rotation.overdue,
      lastOutcome: rotation.lastOutcome,
      unfinishedVersion:
        unfinished === undefined
          ? null
          : { versionId: unfinished, since: pendingSince?.toISOString() ?? null },
    },
    failedOverFrom:
      failedOverFrom === undefined
        ? null
        : { arn: failedOverFrom, at: secret.tags['rotasync:failed-over-at'] ?? null },
    source: replica ? await sourceView(secret, scope) : null,
    replicas,
    replicaRegionsFrom: targets.from,
    problems: rotation.problems,
  };
};

/** The Regions a source replicates to, as the replicate function decides them. */
const replicaTargets = (
  secret: SecretEntry,
  scope: StatusScope,
): { regions: string[]; from: SecretStatus['replicaRegionsFrom'] } => {
  const others = (regions: readonly string[]) =>
    regions.filter((region) => region !== scope.region);
  const tag = secret.tags['rotasync:replicate-to'];
  if (tag !== undefined) {
    const regions =
      tag.trim().toLowerCase() === 'none'
        ? []
        : tag
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean);
    return { regions: others(regions), from: 'tag' };
  }
  if (scope.optionRegions !== undefined)
    return { regions: others(scope.optionRegions), from: 'option' };
  if (scope.deployment !== undefined) {
    // The replicate function leaves secrets outside its prefix alone.
    const inScope = secret.name.startsWith(scope.deployment.prefix);
    return { regions: inScope ? others(scope.deployment.regions) : [], from: 'deployment' };
  }
  return { regions: [], from: 'none' };
};

/** A replica's source, read in the source's Region. */
const sourceView = async (
  secret: SecretEntry,
  scope: StatusScope,
): Promise<SyncView & { arn: string }> => {
  const arn = secret.tags['rotasync:source-arn'] ?? '';
  const region = regionOfArn(arn) ?? '';
  const listed = await scope.inventory(region);
  if (!listed.ok) return { arn, region, status: 'unreadable', error: listed.error };
  const source = listed.byArn(arn);
  if (source === undefined) return { arn, region, status: 'source-missing' };
  if (source.deletedDate !== undefined) return { arn, region, status: 'source-deleted' };
  const inSync = secret.tags['rotasync:source-version'] === currentVersionOf(source);
  return { arn, region, status: inSync ? 'in-sync' : 'behind' };
};

/** When the unfinished version was created: when its rotation started. */
const createdDateOf = async (
  context: CommandContext,
  region: string,
  secret: SecretEntry,
  versionId: string,
): Promise<Date | undefined> => {
  const listed = await awsCall(`ListSecretVersionIds ${secret.name} in ${region}`, () =>
    context.aws
      .secretsManager(region)
      .send(new ListSecretVersionIdsCommand({ SecretId: secret.arn, MaxResults: 100 })),
  );
  return listed.Versions?.find((version) => version.VersionId === versionId)?.CreatedDate;
};

/** Replica states that are no drift: in sync, or a source now after a failover. */
const SETTLED: ReadonlySet<SyncView['status']> = new Set(['in-sync', 'failed-over']);

const OUTCOME_TEXT: Readonly<Record<LastOutcome, string>> = {
  succeeded: 'succeeded',
  failed: 'FAILED',
  'in-progress': 'in progress',
  'never-rotated': 'never rotated',
};

const PROBLEM_TEXT: Readonly<Record<RotationProblem, string>> = {
  'rotation-off': 'rotation is off',
  'rotation-overdue': 'rotation is overdue',
  'rotation-failed': 'the last rotation failed',
};

const syncText = (status: SyncView['status']): string => status.replace('-', ' ');

const renderStatus = (report: StatusReport, graceMs: number, check: boolean): string => {
  const lines = [
    `Rotasync status in ${report.region} at ${formatDate(report.at)}: ${report.summary.secrets} managed secret${report.summary.secrets === 1 ? '' : 's'} (rotation function ${report.rotateFunction})`,
  ];
  if (report.secrets.length === 0) {
    lines.push(
      '',
      `No managed secrets: none is rotated by ${report.rotateFunction} or tagged rotasync:*. --all lists every secret; --stage or --function-prefix names another deployment.`,
    );
    return lines.join('\n');
  }
  const rows = report.secrets.map((secret) => {
    const rotation = secret.rotation;
    const isReplica = secret.role === 'replica';
    return [
      secret.name,
      isReplica ? 'replica' : secret.failedOverFrom !== null ? 'source (failed over)' : 'source',
      isReplica
        ? '-'
        : rotation.enabled
          ? `on ${rotation.schedule ?? ''}${rotation.window === null ? '' : ` window ${rotation.window}`}`.trimEnd()
          : 'OFF',
      formatDate(rotation.lastRotated),
      rotation.enabled
        ? `${formatDate(rotation.nextRotation)}${rotation.overdue ? ' OVERDUE' : ''}`
        : '-',
      isReplica && rotation.lastOutcome === 'never-rotated'
        ? '-'
        : OUTCOME_TEXT[rotation.lastOutcome],
      isReplica
        ? `of ${secret.source?.region ?? '?'}: ${syncText(secret.source?.status ?? 'unreadable')}`
        : secret.replicas.length === 0
          ? '-'
          : secret.replicas
              .map((replica) => `${replica.region} ${syncText(replica.status)}`)
              .join(', '),
    ];
  });
  lines.push(
    '',
    renderTable(
      ['SECRET', 'ROLE', 'ROTATION', 'LAST ROTATED', 'NEXT ROTATION', 'LAST OUTCOME', 'REPLICAS'],
      rows,
    ),
  );
  const withProblems = report.secrets.filter((secret) => secret.problems.length > 0);
  lines.push('');
  if (withProblems.length === 0) {
    lines.push(
      report.secrets.some((secret) => secret.role === 'source')
        ? '✓ no rotation problems: every source rotates, on schedule, and its last rotation succeeded'
        : '✓ no rotation problems: only replicas here, and replicas never rotate',
    );
  } else {
    lines.push(
      `✗ ${report.summary.problems} rotation problem${report.summary.problems === 1 ? '' : 's'}${check ? '' : ' (status --check fails on these)'}:`,
    );
    for (const secret of withProblems) {
      const pending = secret.rotation.unfinishedVersion;
      const detail =
        pending !== null && secret.problems.includes('rotation-failed')
          ? ` (AWSPENDING left on version ${pending.versionId}${pending.since === null ? '' : ` since ${formatDate(pending.since)}`})`
          : '';
      lines.push(
        `  ${secret.name}: ${secret.problems.map((p) => PROBLEM_TEXT[p]).join(', ')}${detail}`,
      );
    }
  }
  const unsynced = report.secrets.flatMap((secret) => [
    ...secret.replicas
      .filter((replica) => !SETTLED.has(replica.status))
      .map(
        (replica) =>
          `${secret.name} in ${replica.region}: ${syncText(replica.status)}${replica.error === undefined ? '' : ` (${replica.error})`}`,
      ),
    ...(secret.source !== null && secret.source.status !== 'in-sync'
      ? [
          `${secret.name} (replica of ${secret.source.region}): ${syncText(secret.source.status)}${secret.source.error === undefined ? '' : ` (${secret.source.error})`}`,
        ]
      : []),
  ]);
  if (unsynced.length > 0) {
    lines.push(
      `! ${unsynced.length} replica${unsynced.length === 1 ? '' : 's'} not in sync (rotasync reconcile repairs drift):`,
    );
    for (const line of unsynced) lines.push(`  ${line}`);
  }
  const failedOver = report.secrets.flatMap((secret) =>
    secret.replicas
      .filter((replica) => replica.status === 'failed-over')
      .map((replica) => `${secret.name} in ${replica.region}`),
  );
  if (failedOver.length > 0) {
    lines.push(
      `↪ ${failedOver.length} replica${failedOver.length === 1 ? ' is' : 's are'} now a source after a failover (rotasync failback makes this Region's secret its replica):`,
    );
    for (const line of failedOver) lines.push(`  ${line}`);
  }
  const noRegions = report.secrets.filter((secret) => secret.replicaRegionsFrom === 'none');
  if (noRegions.length > 0) {
    lines.push(
      `  (replica Regions of untagged secrets unknown: no readable ${report.rotateFunction.replace(/rotate$/, 'replicate')} here; pass --replica-regions)`,
    );
  }
  lines.push(
    '',
    `Last outcome comes from version stages: AWSPENDING left on a version that is not AWSCURRENT is an unfinished rotation, in progress for ${formatDuration(graceMs)}, failed after.`,
  );
  return lines.join('\n');
};
