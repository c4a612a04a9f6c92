import { describe, expect, it } from 'vitest';
import type { CliIo } from '#cli/io.js';
import { createProgress } from '#cli/progress.js';

const io = (isTTY: boolean) => {
  const written: string[] = [];
  const value: CliIo = {
    stdout: { write: () => undefined, isTTY: false },
    stderr: { write: (text) => void written.push(text), isTTY },
    env: {},
    now: () => new Date(0),
    sleep: async () => undefined,
  };
  return { io: value, written };
};

describe('createProgress', () => {
  it('rewrites one line in place on a terminal, and clears it at the end', () => {
    // Prepare
    const { io: terminal, written } = io(true);
    const progress = createProgress(terminal, true);

    // Act
    progress.update('step 1');
    progress.update('step 2');
    progress.end();

    // Assess
    expect(written).toEqual(['\r\u001b[Kstep 1', '\r\u001b[Kstep 2', '\r\u001b[K']);
  });

  it('writes one line per update elsewhere, and nothing to clear', () => {
    const { io: log, written } = io(false);
    const progress = createProgress(log, true);
    progress.update('step 1');
    progress.end();
    expect(written).toEqual(['step 1\n']);
  });

  it('writes nothing when off', () => {
    const { io: terminal, written } = io(true);
    const progress = createProgress(terminal, false);
    progress.update('step 1');
    progress.end();
    expect(written).toEqual([]);
  });
});
