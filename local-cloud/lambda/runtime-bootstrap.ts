/**
 * The local stand-in for a Lambda execution environment: a child process that loads one handler
 * module once (a warm container) and runs one invocation at a time, with a Lambda-like context.
 * The parent (function-host.ts) sends invocations over IPC and enforces the timeout. What the
 * function prints during an invocation goes to stdout/stderr as usual and, in its last few
 * kilobytes, back with the reply, so the Invoke API can answer `LogType: Tail` exactly for that
 * invocation (the pipes and the IPC channel are not ordered with each other).
 */
import { pathToFileURL } from 'node:url';
import type { InvocationError, InvocationReply, InvocationRequest } from './protocol.js';

const modulePath = process.env.ROTASYNC_LOCAL_HANDLER_MODULE ?? '';
const exportName = process.env.ROTASYNC_LOCAL_HANDLER_EXPORT ?? 'handler';

/** More than the 4 KB tail the Invoke API returns, so the host can add its START/END lines. */
const LOG_KEEP_CHARS = 8192;

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const reply = (message: InvocationReply): void => {
  process.send?.(message);
};

const errorOf = (error: unknown): InvocationError =>
  error instanceof Error
    ? {
        name: error.name,
        message: error.message,
        trace: (error.stack ?? '').split('\n').filter((line) => line !== ''),
      }
    : { name: 'Error', message: String(error), trace: [] };

/** The output of the invocation running now, trimmed to its tail; `undefined` between invocations. */
let captured: string | undefined;

const capture = (stream: NodeJS.WriteStream): void => {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]): boolean => {
    const [chunk] = args;
    if (captured !== undefined) {
      captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
      if (captured.length > LOG_KEEP_CHARS * 2) captured = captured.slice(-LOG_KEEP_CHARS);
    }
    return write(...args);
  }) as NodeJS.WriteStream['write'];
};

const takeLog = (): string => {
  const log = (captured ?? '').slice(-LOG_KEEP_CHARS);
  captured = undefined;
  return log;
};

const main = async (): Promise<void> => {
  capture(process.stdout);
  capture(process.stderr);
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
      // The invocation's id is the request id the Invoke API answers with, as in Lambda.
      awsRequestId: message.id,
      logGroupName: `/aws/lambda/${message.functionName}`,
      logStreamName: `local/${process.pid}`,
      callbackWaitsForEmptyEventLoop: true,
      ...(message.clientContext === undefined ? {} : { clientContext: message.clientContext }),
      getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    };
    captured = '';
    let running: Promise<unknown>;
    try {
      running = Promise.resolve((handler as Handler)(message.payload, context));
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (result) => reply({ id: message.id, ok: true, result, log: takeLog() }),
      (error: unknown) =>
        reply({ id: message.id, ok: false, error: errorOf(error), log: takeLog() }),
    );
  });
  reply({ id: 'ready', ok: true, result: null });
};

main().catch((error: unknown) => {
  reply({ id: 'ready', ok: false, error: errorOf(error) });
  process.exitCode = 1;
});
