import { describe, expect, it } from 'vitest';
import { closeWithin } from '#shared/engines/close-within.js';

describe('closeWithin', () => {
  it('leaves a session that ends in time alone', async () => {
    // Prepare
    let destroyed = false;
    // Act
    await closeWithin(
      async () => undefined,
      () => {
        destroyed = true;
      },
    );
    // Assess
    expect(destroyed).toBe(false);
  });

  it('drops the connection of a server that never answers the goodbye', async () => {
    // Prepare
    let destroyed = false;
    // Act
    await closeWithin(
      () => new Promise(() => undefined),
      () => {
        destroyed = true;
      },
      10,
    );
    // Assess
    expect(destroyed).toBe(true);
  });

  it('drops the connection when ending fails, and does not reject', async () => {
    // Prepare
    let destroyed = false;
    // Act
    const closing = closeWithin(
      async () => {
        throw new Error('connection reset');
      },
      () => {
        destroyed = true;
      },
    );
    // Assess
    await expect(closing).resolves.toBeUndefined();
    expect(destroyed).toBe(true);
  });
});
