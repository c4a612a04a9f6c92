/**
 * One cold start, as a fresh Lambda execution environment has it: a new Node process imports a
 * packaged handler, answers one invocation and exits. Plain JavaScript, so nothing but the
 * bundle is loaded (no TypeScript loader). bench/cold-start.ts runs it.
 *
 *   node cold-start-probe.mjs <handler.js> <event JSON> [--trace]
 *
 * Prints one JSON line: how the invocation ended (`ok` or the error's name), the milliseconds
 * since the process started at which the handler was imported and at which it answered, and
 * with --trace every module file the process loaded (a module hook that is left out of timed
 * runs, since it slows loading down).
 */
import { pathToFileURL } from 'node:url';

const [handlerPath, eventJson, flag] = process.argv.slice(2);
const loaded = [];
if (flag === '--trace') {
  // Imported only when tracing: the worker plumbing would cost the timed runs milliseconds.
  const { register } = await import('node:module');
  const { MessageChannel } = await import('node:worker_threads');
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => loaded.push(url));
  port1.unref();
  const hook = [
    'let port;',
    'export function initialize(data) { port = data.port; }',
    'export async function load(url, context, next) { port.postMessage(url); return next(url, context); }',
  ].join('\n');
  register(`data:text/javascript,${encodeURIComponent(hook)}`, {
    data: { port: port2 },
    transferList: [port2],
  });
}

const { handler } = await import(pathToFileURL(handlerPath).href);
const importedAt = performance.now();
const timeoutMs = Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT ?? '60') * 1000;
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'probe',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:probe`,
  memoryLimitInMB: '256',
  awsRequestId: '00000000-0000-4000-8000-000000000000',
  logGroupName: '/aws/lambda/probe',
  logStreamName: 'probe',
  callbackWaitsForEmptyEventLoop: true,
  // The function's own timeout (serverless.yml), as Lambda counts it down from the invocation.
  getRemainingTimeInMillis: () => timeoutMs - (performance.now() - importedAt),
};
let outcome = 'ok';
try {
  await handler(JSON.parse(eventJson), context);
} catch (error) {
  outcome = error instanceof Error ? error.name : 'thrown';
}
const answeredAt = performance.now();
// The hook's messages arrive asynchronously: let them in before reporting.
if (flag === '--trace') await new Promise((resolve) => setTimeout(resolve, 50));
process.stderr.write(
  `${JSON.stringify({ probe: true, outcome, importedAt, answeredAt, loaded })}\n`,
);
// As a Lambda environment does after answering: no waiting for idle sockets to close.
process.exit(0);
