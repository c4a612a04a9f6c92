import { describe, expect, it } from 'vitest';
import { scramSha256Verifier } from '#shared/engines/postgres/scram.js';

const PASSWORD = 'canary-Pw-7f3a9c';

describe('scramSha256Verifier', () => {
  it('has the format PostgreSQL stores, with 4096 iterations and a 16-byte salt', async () => {
    // Act
    const verifier = await scramSha256Verifier(PASSWORD);

    // Assess
    const match =
      /^SCRAM-SHA-256\$4096:([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(verifier);
    expect(match).not.toBeNull();
    expect(Buffer.from(match?.[1] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(match?.[2] ?? '', 'base64')).toHaveLength(32);
    expect(Buffer.from(match?.[3] ?? '', 'base64')).toHaveLength(32);
    expect(verifier).not.toContain(PASSWORD);
  });

  it('uses a fresh salt every time', async () => {
    // Act
    const [first, second] = await Promise.all([
      scramSha256Verifier(PASSWORD),
      scramSha256Verifier(PASSWORD),
    ]);

    // Assess
    expect(first).not.toBe(second);
  });

  it('is deterministic for a given salt, and differs between passwords', async () => {
    // Prepare
    const salt = Buffer.alloc(16, 7);

    // Act
    const once = await scramSha256Verifier(PASSWORD, salt);
    const again = await scramSha256Verifier(PASSWORD, salt);
    const other = await scramSha256Verifier(`${PASSWORD}!`, salt);

    // Assess
    expect(again).toBe(once);
    expect(other).not.toBe(once);
  });

  it('applies SASLprep: a non-ASCII space hashes like a plain space', async () => {
    // Prepare
    const salt = Buffer.alloc(16, 1);

    // Act
    const nbsp = await scramSha256Verifier('pass\u00A0word', salt);
    const space = await scramSha256Verifier('pass word', salt);

    // Assess
    expect(nbsp).toBe(space);
  });
});
