/**
 * The local stand-in for a Lambda execution environment: a child process that loads one handler
 * module once (a warm container) and runs one invocation at a time, with a Lambda-like context.
 * The parent (function-host.ts) sends invocations over IPC and enforces the timeout.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { InvocationReply, InvocationRequest } from './protocol.js';

const modulePath = process.env.ROTASYNC_LOCAL_HANDLER_MODULE ?? '';
const exportName = process.env.ROTASYNC_LOCAL_HANDLER_EXPORT ?? 'handler';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const reply = (message: InvocationReply): void => {
  process.send?.(message);
};

const errorOf = (error: unknown): { name: string; message: string } =>
  error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };

const main = async (): Promise<void> => {
  const loaded: Record<string, unknown> = await import(pathToFileURL(modulePath).href);
  const handler = loaded[exportName];
  if (typeof handler !== 'function') {
    throw new Error(`${modulePath} exports no function "${exportName}"`);
  }
  process.on('message', (message: InvocationRequest) => {
    const context = {
      functionName: message.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: message.functionArn,
      memoryLimitInMB: '256',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${message.functionName}`,
      logStreamName: `local/${process.pid}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    };
    (handler as Handler)(message.payload, context).then(
      (result) => reply({ id: message.id, ok: true, result }),
      (error: unknown) => reply({ id: message.id, ok: false, error: errorOf(error) }),
    );
  });
  reply({ id: 'ready', ok: true, result: null });
};

main().catch((error: unknown) => {
  reply({ id: 'ready', ok: false, error: errorOf(error) });
  process.exitCode = 1;
});
