import { describe, expect, it, vi } from 'vitest';
import { lazyRdsDirectory } from '#shared/aws/lazy-rds-directory.js';
import type { RdsDirectory } from '#shared/aws/rds-directory.js';

const endpoint = { host: 'replica.example', port: 5432 };

describe('lazyRdsDirectory', () => {
  it('loads the adapter on the first call only, then forwards every call to it', async () => {
    // Prepare
    const directory = {
      endpointOf: vi.fn(async () => undefined),
      findReplicaEndpoint: vi.fn(async () => endpoint),
      findByEndpoint: vi.fn(async () => undefined),
      refresh: vi.fn(async () => undefined),
      replicaLagSeconds: vi.fn(async () => undefined),
      promote: vi.fn(async () => undefined),
    } as unknown as RdsDirectory;
    const load = vi.fn(async () => directory);
    const rds = lazyRdsDirectory(load);
    expect(load).not.toHaveBeenCalled();
    // Act
    const found = await Promise.all([
      rds.findReplicaEndpoint('us-east-1', { host: 'db' }, 'us-west-2'),
      rds.endpointOf('instance', 'arn:aws:rds:us-east-1:123456789012:db:app'),
    ]);
    // Assess
    expect(found).toEqual([endpoint, undefined]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(directory.findReplicaEndpoint).toHaveBeenCalledWith(
      'us-east-1',
      { host: 'db' },
      'us-west-2',
    );
    expect(directory.endpointOf).toHaveBeenCalledWith(
      'instance',
      'arn:aws:rds:us-east-1:123456789012:db:app',
    );
  });
});
