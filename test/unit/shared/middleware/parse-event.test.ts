import type { Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '#shared/errors.js';
import { parseRotationEvent, type RotationEvent } from '#shared/inputs/rotation-event.js';
import { parseEvent } from '#shared/middleware/parse-event.js';

const TOKEN = '0f7d8e2a-3c4b-4d5e-8f6a-7b8c9d0e1f2a';

const requestWith = (event: unknown): Request<RotationEvent> => ({
  event: event as RotationEvent,
  context: {} as Context,
  response: undefined,
  error: undefined,
  internal: {},
});

const setup = () => {
  const appended: Record<string, string>[] = [];
  const middleware = parseEvent({
    parse: parseRotationEvent,
    logKeys: (event) => ({ secretId: event.SecretId, step: event.Step }),
    logger: { appendKeys: (keys) => appended.push(keys) },
  });
  return { appended, runBefore: middleware.before };
};

describe('parseEvent', () => {
  it('replaces the event with its parsed form, appends its keys and returns nothing', async () => {
    // Prepare
    const { appended, runBefore } = setup();
    const request = requestWith({
      Step: 'testSecret',
      SecretId: 'app',
      ClientRequestToken: TOKEN,
      Noise: 1,
    });
    // Act
    const result = await runBefore?.(request);
    // Assess
    expect(result).toBeUndefined();
    expect(request.event).toEqual({
      Step: 'testSecret',
      SecretId: 'app',
      ClientRequestToken: TOKEN,
    });
    expect(appended).toEqual([{ secretId: 'app', step: 'testSecret' }]);
  });

  it('throws InvalidEventError and appends nothing for a bad event', async () => {
    // Prepare
    const { appended, runBefore } = setup();
    const request = requestWith({ Step: 'testSecret' });
    // Act
    const run = async () => runBefore?.(request);
    // Assess
    await expect(run()).rejects.toBeInstanceOf(InvalidEventError);
    expect(appended).toEqual([]);
  });
});

describe('parseEvent: where errors happen', () => {
  it('tells the error boundary the secret and step of a valid event only', async () => {
    // Prepare
    const middleware = parseEvent({
      parse: parseRotationEvent,
      logKeys: () => ({}),
      logger: { appendKeys: () => undefined },
      where: (event) => ({ secretId: event.SecretId, step: event.Step }),
    });
    const valid = requestWith({ Step: 'setSecret', SecretId: 'app', ClientRequestToken: TOKEN });
    const hostile = requestWith({ Step: 'setSecret', SecretId: 'a\nb', ClientRequestToken: TOKEN });
    // Act
    await middleware.before?.(valid);
    const refused = await Promise.resolve()
      .then(() => middleware.before?.(hostile))
      .catch((error: unknown) => error);
    // Assess
    expect(Object.values(valid.internal)).toEqual([{ secretId: 'app', step: 'setSecret' }]);
    expect(refused).toBeInstanceOf(InvalidEventError);
    expect(hostile.internal).toEqual({});
  });
});
