import type { Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  GrantParseError,
  InvalidEventError,
  LoginRejectedError,
  StatementFailedError,
  StepFailedError,
} from '#shared/errors.js';
import { KnownValues } from '#shared/known-values.js';
import { errorBoundary, rememberWhere } from '#shared/middleware/error-boundary.js';

const SECRET = 'Very-Secret-Value-123';

const requestFailing = (error: unknown): Request => ({
  event: {},
  context: {} as Context,
  response: undefined,
  error: error as Error,
  internal: {},
});

const setup = () => {
  const lines: { message: string; attributes: Record<string, unknown>[] }[] = [];
  const knownValues = new KnownValues();
  const boundary = errorBoundary({
    logger: { error: (message, ...attributes) => lines.push({ message, attributes }) },
    knownValues,
  });
  return { lines, knownValues, boundary };
};

describe('errorBoundary', () => {
  it('logs once with name, message and where, and leaves the error to be rethrown', async () => {
    // Prepare
    const { lines, boundary } = setup();
    const error = new LoginRejectedError('rejected', { secretId: 'app', step: 'setSecret' });
    const request = requestFailing(error);
    // Act
    const result = await boundary.onError?.(request);
    // Assess
    expect(result).toBeUndefined();
    expect(request.error).toBe(error);
    expect(request.response).toBeUndefined();
    expect(lines).toEqual([
      {
        message: 'invocation failed',
        attributes: [
          {
            error: {
              name: 'LoginRejectedError',
              message: 'setSecret for secret app: rejected',
              where: { secretId: 'app', step: 'setSecret' },
              cause: undefined,
            },
          },
        ],
      },
    ]);
  });

  it('redacts known values from the message, stack and causes', async () => {
    // Prepare
    const { lines, knownValues, boundary } = setup();
    knownValues.remember(SECRET);
    const error = new Error(`driver: bad "${SECRET}"`, { cause: new Error(`inner ${SECRET}`) });
    const request = requestFailing(error);
    // Act
    await boundary.onError?.(request);
    // Assess
    const everything =
      JSON.stringify(lines) +
      String(request.error?.stack) +
      String((request.error?.cause as Error | undefined)?.stack);
    expect(everything).not.toContain(SECRET);
    expect(request.error?.message).toBe('driver: bad "[redacted]"');
  });

  it('drops a cause that is not an Error, which could hold anything', async () => {
    // Prepare
    const { boundary } = setup();
    const request = requestFailing(new Error('outer', { cause: { password: SECRET } }));
    // Act
    await boundary.onError?.(request);
    // Assess
    expect(request.error?.cause).toBeUndefined();
  });

  it('turns a thrown non-Error into an Error without its content', async () => {
    // Prepare
    const { lines, boundary } = setup();
    const request = requestFailing(SECRET);
    // Act
    await boundary.onError?.(request);
    // Assess
    expect(request.error).toBeInstanceOf(Error);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('forgets the known values when an invocation succeeds', async () => {
    // Prepare
    const { knownValues, boundary } = setup();
    knownValues.remember(SECRET);
    // Act
    await boundary.after?.(requestFailing(undefined));
    // Assess
    expect(knownValues.redact(SECRET)).toBe(SECRET);
  });

  it('forgets the known values when an invocation starts', async () => {
    // Prepare
    const { knownValues, boundary } = setup();
    knownValues.remember(SECRET);
    // Act
    await boundary.before?.(requestFailing(undefined));
    // Assess
    expect(knownValues.redact(SECRET)).toBe(SECRET);
  });
});

describe('errorBoundary: where an error happened (issue 9, defect 7)', () => {
  it('fills in the secret and step parseEvent remembered, for an error lacking them', async () => {
    // Prepare
    const { lines, boundary } = setup();
    const error = new StatementFailedError(
      'MariaDB',
      'ALTER USER ... IDENTIFIED BY',
      { code: 'ER_CANNOT_USER', errno: 1396 },
      { cause: new Error('ER_CANNOT_USER (1396)') },
    );
    const request = requestFailing(error);
    rememberWhere(request, { secretId: 'app', step: 'setSecret' });
    // Act
    await boundary.onError?.(request);
    // Assess
    expect(request.error).toBe(error);
    expect(error.message).toBe(
      'setSecret for secret app: MariaDB: ALTER USER ... IDENTIFIED BY failed: ER_CANNOT_USER (1396)',
    );
    expect(error.stack).toContain(error.message);
    expect(lines[0]?.attributes[0]).toMatchObject({
      error: { name: 'StatementFailedError', where: { secretId: 'app', step: 'setSecret' } },
    });
  });

  it('wraps a foreign error in a StepFailedError naming where it happened', async () => {
    // Prepare
    const { boundary } = setup();
    const request = requestFailing(new TypeError('x is not a function'));
    rememberWhere(request, { secretId: 'app', step: 'testSecret' });
    // Act
    await boundary.onError?.(request);
    // Assess
    expect(request.error).toBeInstanceOf(StepFailedError);
    expect(request.error?.message).toBe(
      'testSecret for secret app: TypeError: x is not a function',
    );
  });

  it('falls back to its own where when no event named one', async () => {
    // Prepare
    const lines: string[] = [];
    const boundary = errorBoundary({
      logger: { error: (message) => lines.push(message) },
      knownValues: new KnownValues(),
      where: { step: 'reconcile' },
    });
    const error = new GrantParseError('returned no text');
    const request = requestFailing(error);
    // Act
    await boundary.onError?.(request);
    // Assess
    expect(error.where).toEqual({ step: 'reconcile' });
    expect(error.message).toBe('reconcile: SHOW GRANTS returned no text');
  });

  it('never takes where from a raw event that failed to parse', async () => {
    // Prepare
    const { boundary } = setup();
    const error = new InvalidEventError('SecretId', 'holds an unprintable character');
    const request = { ...requestFailing(error), event: { SecretId: `x\n${SECRET}`, Step: 'a' } };
    // Act
    await boundary.onError?.(request);
    // Assess
    expect(request.error?.message).toBe('holds an unprintable character');
    expect(request.error?.message).not.toContain(SECRET);
  });
});
