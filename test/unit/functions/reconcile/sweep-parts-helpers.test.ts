import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { lambdaContinueSweep } from '#functions/reconcile/continue-sweep.js';
import { HashedSet } from '#functions/reconcile/hashed-set.js';
import { ListingGate } from '#functions/reconcile/listing-gate.js';
import { rateLimitReads } from '#functions/reconcile/rate-limited-store.js';
import { parseSweepCursor, type SweepCursor } from '#functions/reconcile/sweep-cursor.js';
import { TokenBucket } from '#functions/reconcile/token-bucket.js';
import { WorkPool } from '#functions/reconcile/work-pool.js';
import { AwsCallError, InvalidEventError } from '#shared/errors.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';

const CURSOR: SweepCursor = {
  id: '0b6d1c5e-7f0a-4f44-9a3e-1c2d3e4f5a6b',
  part: 2,
  startedAt: '2026-12-03T08:00:00.000Z',
  phase: 'extras',
  nextToken: 'page-7',
  regions: ['eu-west-1', 'us-west-2'],
  extras: [{ region: 'us-west-2', nextToken: 'page-3' }],
  totals: { checked: 40, inSync: 38, repaired: 2, failed: 0, drift: 2 },
};

describe('HashedSet', () => {
  it('answers for every member added, across growth, and not for others', () => {
    // Prepare
    const set = new HashedSet();
    const members = Array.from({ length: 5000 }, (_, i) => `us-west-2|arn:secret:app-${i}`);
    // Act
    for (const member of members) set.add(member);
    // Assess
    expect(set.size).toBe(5000);
    expect(members.every((member) => set.has(member))).toBe(true);
    expect(members.some((member) => set.has(`eu-west-1${member.slice(9)}`))).toBe(false);
  });
});

describe('WorkPool', () => {
  it('runs at most `concurrency` tasks and holds producers back while the backlog is full', async () => {
    // Prepare
    const pool = new WorkPool(2, 1);
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const task = () =>
      new Promise<void>((resolve) => {
        running += 1;
        most = Math.max(most, running);
        releases.push(() => {
          running -= 1;
          resolve();
        });
      });
    // Act
    await pool.submit(task);
    await pool.submit(task);
    await pool.submit(task);
    let fourthAccepted = false;
    const fourth = pool.submit(task).then(() => {
      fourthAccepted = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const acceptedWhileFull = fourthAccepted;
    releases.shift()?.();
    await fourth;
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await pool.drain();
    // Assess
    expect(acceptedWhileFull).toBe(false);
    expect(most).toBe(2);
  });

  it('fails fast: the first failure refuses new tasks and comes out of drain', async () => {
    // Prepare
    const pool = new WorkPool(1, 4, { failFast: true });
    // Act
    await pool.submit(async () => {
      throw new Error('batch read failed');
    });
    await new Promise((resolve) => setTimeout(resolve, 1));
    // Assess
    await expect(pool.submit(async () => undefined)).rejects.toThrow('batch read failed');
    await expect(pool.drain()).rejects.toThrow('batch read failed');
  });
});

describe('parseSweepCursor', () => {
  it('reads a cursor the sweep wrote', () => {
    // Act
    const cursor = parseSweepCursor(JSON.parse(JSON.stringify(CURSOR)));
    // Assess
    expect(cursor).toEqual(CURSOR);
  });

  it.each([
    ['not an object', 'x'],
    ['a first part', { ...CURSOR, part: 1 }],
    ['an unknown phase', { ...CURSOR, phase: 'values' }],
    [
      'a Region that is no Region',
      { ...CURSOR, regions: ['__proto__'], extras: [{ region: '__proto__' }] },
    ],
    ['a Region outside its Regions', { ...CURSOR, extras: [{ region: 'ap-south-1' }] }],
    ['extras without a Region', { ...CURSOR, extras: [] }],
    ['a negative count', { ...CURSOR, totals: { ...CURSOR.totals, drift: -1 } }],
  ])('refuses %s', (_what, input) => {
    // Act
    const parse = () => parseSweepCursor(input);
    // Assess
    expect(parse).toThrow(InvalidEventError);
  });
});

describe('rateLimitReads', () => {
  it("takes a token per ListSecrets and per batch read, from each Region's own buckets", async () => {
    // Prepare
    const fake = new FakeSecretsManager(1);
    const taken: string[] = [];
    let made = 0;
    const paced = rateLimitReads(fake.store, 50, (rate) => {
      made += 1;
      const name = `bucket-${made}@${rate}`;
      const bucket = new TokenBucket(rate);
      return Object.assign(bucket, {
        take: () => {
          taken.push(name);
          return Promise.resolve();
        },
      });
    });
    // Act
    await paced('us-east-1').list();
    await paced('us-east-1').readCurrentBatch(['a']);
    await paced('eu-west-1').list();
    await paced('us-east-1').describe('a');
    // Assess
    expect(taken).toEqual(['bucket-1@50', 'bucket-2@50', 'bucket-3@50']);
  });
});

describe('lambdaContinueSweep', () => {
  const lambda = mockClient(LambdaClient);
  beforeEach(() => lambda.reset());

  it('invokes the function itself asynchronously with the continuation event', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:rotasync-prod-reconcile';
    // Act
    await lambdaContinueSweep()(arn, { dryRun: false, continuation: CURSOR });
    // Assess
    expect(lambda).toReceiveCommandWith(InvokeCommand, {
      FunctionName: arn,
      InvocationType: 'Event',
    });
    const payload = lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload;
    expect(JSON.parse(new TextDecoder().decode(payload as Uint8Array))).toEqual({
      dryRun: false,
      continuation: CURSOR,
    });
  });

  it('fails as an AwsCallError naming the call', async () => {
    // Prepare
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    // Act
    const outcome = lambdaContinueSweep()('arn:aws:lambda:us-east-1:1:function:f', {
      dryRun: true,
      continuation: CURSOR,
    });
    // Assess
    await expect(outcome).rejects.toThrow(AwsCallError);
    await expect(outcome).rejects.toThrow(/Invoke/);
  });
});

describe('ListingGate', () => {
  it('lets a replica listing run at most `lead` pages ahead of the source listing', async () => {
    // Prepare
    const gate = new ListingGate(2, 100);
    const admitted: number[] = [];
    // Act: a replica listing that reads as fast as it is let through.
    const replicas = (async () => {
      for (let read = 0; read < 6; read += 1) {
        if (!(await gate.admit(read, () => 0))) return;
        admitted.push(read);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1));
    const beforeAnyPage = [...admitted];
    gate.page();
    await new Promise((resolve) => setTimeout(resolve, 1));
    const afterOnePage = [...admitted];
    gate.end(true);
    await replicas;
    // Assess
    expect(beforeAnyPage).toEqual([0, 1]);
    expect(afterOnePage).toEqual([0, 1, 2]);
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('holds back a listing with too many replicas it cannot judge, and stops it with the source listing', async () => {
    // Prepare
    const gate = new ListingGate(10, 3);
    // Act
    const held = gate.admit(0, () => 3);
    gate.end(false);
    // Assess
    await expect(held).resolves.toBe(false);
    await expect(gate.ended()).resolves.toBe('stopped');
  });
});
