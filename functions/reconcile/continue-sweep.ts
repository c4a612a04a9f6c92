/**
 * How a sweep hands over to its next part: the reconcile function invokes itself asynchronously
 * (InvocationType Event) with the cursor, through the Lambda API. Asynchronous, so this
 * invocation can end (and be billed) while the next runs; the role may invoke only this very
 * function (role.yml, ContinueSweep).
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { callAws, clientSettings } from '#shared/aws/clients.js';
import type { SweepCursor } from './sweep-cursor.js';

/** The event of a part after the first. */
export interface ContinuationEvent {
  readonly dryRun: boolean;
  readonly continuation: SweepCursor;
}

/** Starts the next part of a sweep; `functionArn` is this function's own ARN. */
export type ContinueSweep = (functionArn: string, event: ContinuationEvent) => Promise<void>;

/**
 * ContinueSweep over the Lambda API, its SDK client (and module) loaded on the first hand-over:
 * most sweeps fit in one invocation and never load it. The endpoint comes from the SDK's own
 * settings (AWS_ENDPOINT_URL_LAMBDA).
 *
 * @example
 * await lambdaContinueSweep()(context.invokedFunctionArn, { dryRun: false, continuation });
 */
export const lambdaContinueSweep = (): ContinueSweep => {
  let client:
    | Promise<{ send: (event: ContinuationEvent, arn: string) => Promise<void> }>
    | undefined;
  const load = async () => {
    const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
    const lambda = new LambdaClient(clientSettings());
    return {
      send: async (event: ContinuationEvent, arn: string) => {
        await lambda.send(
          new InvokeCommand({
            FunctionName: arn,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify(event)),
          }),
        );
      },
    };
  };
  return async (functionArn, event) => {
    client ??= load();
    const loaded = await client;
    await callAws('Lambda', { operation: 'Invoke', step: 'reconcile' }, () =>
      loaded.send(event, functionArn),
    );
  };
};
