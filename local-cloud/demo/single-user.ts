/**
 * Scene 1: single-user rotation of a PostgreSQL user, three times, through RotateSecret, showing
 * which credentials log in at each stage and the single-user window.
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createPgLoginRole } from '#local-cloud/databases/clients.js';
import type { RunningDatabase } from '#local-cloud/databases/running-database.js';
import type { LocalStack } from '#local-cloud/stack.js';
import { pgLogsIn, watchCurrentLogins } from './login-probe.js';
import { dim, heading, line, ms, ok, refused } from './output.js';
import { randomPassword, readCredentials, rotateNow } from './setup.js';
import type { StepTimeline } from './step-timeline.js';

export interface SceneContext {
  readonly stack: LocalStack;
  readonly sm: SecretsManagerClient;
  readonly postgres: RunningDatabase;
  readonly timeline: StepTimeline;
}

const mark = (works: boolean, expected: boolean, text: string): string =>
  works === expected ? (works ? ok(text) : refused(text)) : `!! ${text}: unexpected`;

export const runSingleUserScene = async ({ stack, sm, postgres, timeline }: SceneContext) => {
  heading('1. Single user: PostgreSQL user app_single, rotated three times');
  const username = 'app_single';
  const firstPassword = randomPassword();
  await createPgLoginRole(postgres, username, firstPassword);
  const name = 'rotasync-demo/postgres/app-single';
  const created = await sm.send(
    new CreateSecretCommand({
      Name: name,
      Description: 'Demo: single-user rotation',
      SecretString: JSON.stringify({
        engine: 'postgres',
        host: postgres.host,
        port: postgres.port,
        username,
        password: firstPassword,
        dbname: 'postgres',
        ssl: true,
      }),
    }),
  );
  const arn = created.ARN ?? name;
  const readStage = (stage: string) => readCredentials(sm, arn, stage);
  const logsIn = (user: string, password: string) => pgLogsIn(postgres, user, password);

  line('secret', `${name} (engine postgres, ssl: true, verified against the local CA)`);
  const before = await readStage('AWSCURRENT');
  line('before', mark(await logsIn(before.username, before.password), true, 'AWSCURRENT logs in'));

  for (let round = 1; round <= 3; round += 1) {
    stack.cloud.requestLog.clear();
    const startedAt = Date.now();
    const watcher = watchCurrentLogins(() => readStage('AWSCURRENT'), logsIn);
    const outcome = await rotateNow(stack, sm, arn);
    const watch = await watcher.stop();
    const elapsed = Date.now() - startedAt;
    const steps = (outcome.steps ?? []).map((step) => `${step.step} ${ms(step.durationMs)}`);
    const coldStart = round === 1 ? " (includes the function's cold start)" : '';
    line(`rotation ${round}`, `${ms(elapsed)}${coldStart}  ${dim(steps.join(' · '))}`);

    const passwordSet = timeline.first(arn, startedAt, /^password set/);
    const promoted = timeline.first(arn, startedAt, /promoted to AWSCURRENT/);
    if (passwordSet && promoted) {
      line(
        '',
        `single-user window: ${ms(promoted.timestamp - passwordSet.timestamp)} between setSecret ` +
          'changing the password and finishSecret promoting it',
      );
    }
    line(
      '',
      `an application reading AWSCURRENT for every login meanwhile: ${watch.attempts} logins, ` +
        `${watch.refused} refused`,
    );
    const functionCalls = stack.cloud.requestLog
      .entries()
      .filter((entry) => entry.caller === 'local-rotate').length;
    line('', dim(`Secrets Manager calls by the rotation function: ${functionCalls}`));
    const current = await readStage('AWSCURRENT');
    const previous = await readStage('AWSPREVIOUS');
    line(
      '',
      `${mark(await logsIn(current.username, current.password), true, 'AWSCURRENT logs in')}   ` +
        mark(await logsIn(previous.username, previous.password), false, 'AWSPREVIOUS refused'),
    );
  }
  line(
    'after',
    mark(await logsIn(username, firstPassword), false, 'the original password is refused'),
  );
  const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
  line(
    'schedule',
    `RotationEnabled ${described.RotationEnabled}, rules ${described.RotationRules?.ScheduleExpression}, ` +
      `next rotation ${described.NextRotationDate?.toISOString().slice(0, 10)}`,
  );
};
