/**
 * The local cloud's endpoint against what anything on the host may send it (issue 9, defect 8):
 * a Host header that is not loopback (DNS rebinding from a web page), a body larger than any
 * Secrets Manager request, and operation or service names that exist on Object.prototype.
 */
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local-cloud/index.js';
import { createLocalRds } from '#local-cloud/rds/index.js';
import { snapshotState } from '#local-cloud/secrets-manager/snapshot.js';
import { SecretsState } from '#local-cloud/secrets-manager/store.js';
import { MAX_REQUEST_BODY_BYTES } from '#local-cloud/server.js';
import { rawRequest, secretsManagerHeaders } from '#test/helpers/raw-request.js';

let cloud: LocalCloud;
let port: number;
let sm: SecretsManagerClient;

beforeAll(async () => {
  const rds = createLocalRds({ accountId: '123456789012', instances: [] });
  cloud = await startLocalCloud({ extraServices: { rds } });
  port = Number(new URL(cloud.endpoint).port);
  sm = new SecretsManagerClient({ endpoint: cloud.endpoint, region: 'us-east-1', maxAttempts: 1 });
});

afterAll(async () => {
  sm?.destroy();
  await cloud?.stop();
});

const secretNames = async (): Promise<string[]> =>
  ((await sm.send(new ListSecretsCommand({}))).SecretList ?? []).map((entry) => entry.Name ?? '');

const createBody = (name: string): string =>
  JSON.stringify({ Name: name, SecretString: '{"password":"x"}' });

describe('the Host header', () => {
  it.each([
    'evil.example',
    `evil.example:${4566}`,
    'rebind.attacker.test:80',
    '127.0.0.1.nip.io',
    '10.0.0.1',
    'localhost.',
    '',
  ])('refuses Host %j with 403 and changes nothing', async (host) => {
    // Prepare
    const before = await secretNames();
    // Act
    const answer = await rawRequest({
      port,
      headers: { ...secretsManagerHeaders(port, 'CreateSecret'), host },
      body: createBody(`rebinding/${before.length}`),
    });
    // Assess
    expect(answer.status).toBe(403);
    expect(answer.code).toBe('AccessDeniedException');
    expect(await secretNames()).toEqual(before);
  });

  it('refuses a request without a Host header', async () => {
    // Prepare
    const before = await secretNames();
    const { host: _none, ...headers } = secretsManagerHeaders(port, 'CreateSecret');
    // Act
    const answer = await rawRequest({ port, headers, body: createBody('no-host/x') });
    // Assess: Node's HTTP/1.1 parser answers 400 itself; were it let through, the check's 403.
    expect([400, 403]).toContain(answer.status);
    expect(await secretNames()).toEqual(before);
  });

  it.each([
    (p: number) => `127.0.0.1:${p}`,
    (p: number) => `localhost:${p}`,
    (p: number) => `LOCALHOST:${p}`,
    (p: number) => `[::1]:${p}`,
    () => '127.0.0.1',
    () => 'localhost',
    () => '[::1]',
  ])('answers a loopback Host (%#)', async (host) => {
    // Act
    const answer = await rawRequest({
      port,
      headers: { ...secretsManagerHeaders(port, 'ListSecrets'), host: host(port) },
      body: '{}',
    });
    // Assess
    expect(answer.status).toBe(200);
  });
});

describe('the request body limit', () => {
  it('refuses a body whose Content-Length is over the limit before reading it', async () => {
    // Prepare: 400 MB announced, 1 KB sent; the answer must come without the rest.
    const headers = {
      ...secretsManagerHeaders(port, 'CreateSecret'),
      'content-length': String(400 * 1024 * 1024),
    };
    // Act
    const answer = await rawRequest({
      port,
      headers,
      body: [Buffer.alloc(1024, 0x20)],
      timeoutMs: 20_000,
    });
    // Assess
    expect(answer.status).toBe(413);
    expect(answer.code).toBe('RequestEntityTooLargeException');
  });

  it('refuses a streamed (chunked) body once it passes the limit, then serves on', async () => {
    // Prepare: up to 64 MiB in 64 KiB chunks, stopped as soon as the answer comes.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const chunks = function* () {
      for (let i = 0; i < 1024; i += 1) yield chunk;
    };
    // Act
    const answer = await rawRequest({
      port,
      headers: { ...secretsManagerHeaders(port, 'CreateSecret'), 'transfer-encoding': 'chunked' },
      body: chunks(),
      timeoutMs: 20_000,
    });
    const next = await rawRequest({
      port,
      headers: secretsManagerHeaders(port, 'ListSecrets'),
      body: '{}',
    });
    // Assess
    expect(answer.status).toBe(413);
    expect(next.status).toBe(200);
  });

  it('reads a body of exactly the limit and answers it as the service would', async () => {
    // Prepare: a CreateSecret whose SecretString pads the body to the limit.
    const skeleton = JSON.stringify({ Name: 'limit/exact', SecretString: '' });
    const body = JSON.stringify({
      Name: 'limit/exact',
      SecretString: 'a'.repeat(MAX_REQUEST_BODY_BYTES - skeleton.length),
    });
    // Act
    const atLimit = await rawRequest({
      port,
      headers: secretsManagerHeaders(port, 'CreateSecret'),
      body,
    });
    const overLimit = await rawRequest({
      port,
      headers: secretsManagerHeaders(port, 'CreateSecret'),
      body: `${body} `,
    });
    // Assess: the service's own limit (65,536) answers the first, the endpoint's the second.
    expect(Buffer.byteLength(body)).toBe(MAX_REQUEST_BODY_BYTES);
    expect([atLimit.status, atLimit.code]).toEqual([400, 'ValidationException']);
    expect([overLimit.status, overLimit.code]).toEqual([413, 'RequestEntityTooLargeException']);
    expect(await secretNames()).not.toContain('limit/exact');
  });
});

describe('operation and service names', () => {
  it.each([
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'isPrototypeOf',
    '__defineGetter__',
  ])('answers target secretsmanager.%s with UnknownOperationException (400)', async (name) => {
    // Act
    const answer = await rawRequest({
      port,
      headers: secretsManagerHeaders(port, name),
      body: '{}',
    });
    // Assess
    expect([answer.status, answer.code]).toEqual([400, 'UnknownOperationException']);
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'answers a SigV4 scope naming service %s with UnknownServiceException (400)',
    async (service) => {
      // Prepare
      const headers = {
        ...secretsManagerHeaders(port, 'ListSecrets'),
        authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      };
      // Act
      const answer = await rawRequest({ port, headers, body: '{}' });
      // Assess
      expect([answer.status, answer.code]).toEqual([400, 'UnknownServiceException']);
    },
  );
});

describe('RDS actions', () => {
  it.each(['constructor', '__proto__', 'toString', ''])(
    'answers Action=%j with InvalidAction (400)',
    async (action) => {
      // Act
      const answer = await rawRequest({
        port,
        headers: {
          host: `127.0.0.1:${port}`,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/rds/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: new URLSearchParams({ Action: action, Version: '2014-10-31' }).toString(),
      });
      // Assess
      expect([answer.status, answer.code]).toEqual([400, 'InvalidAction']);
    },
  );
});

describe('Regions in the SigV4 scope', () => {
  it.each(['__proto__', 'constructor', 'US-EAST-1', 'x', 'us_east_1', 'us-east-1a'])(
    'refuses Region %j with InvalidSignatureException (400), creating nothing',
    async (region) => {
      // Prepare
      const before = await secretNames();
      // Act
      const answer = await rawRequest({
        port,
        headers: secretsManagerHeaders(port, 'CreateSecret', region),
        body: createBody(`region/${before.length}`),
      });
      // Assess
      expect([answer.status, answer.code]).toEqual([400, 'InvalidSignatureException']);
      expect(await secretNames()).toEqual(before);
    },
  );

  it.each(['us-east-1', 'eu-central-1', 'us-gov-west-1', 'ap-southeast-2'])(
    'answers Region %s',
    async (region) => {
      // Act
      const answer = await rawRequest({
        port,
        headers: secretsManagerHeaders(port, 'ListSecrets', region),
        body: '{}',
      });
      // Assess
      expect(answer.status).toBe(200);
    },
  );

  it('keeps a Region of any name in the state file document', () => {
    // Prepare: a store for a Region named like Object.prototype's setter.
    const state = new SecretsState('123456789012');
    state.region('__proto__');
    // Act
    const document = JSON.parse(JSON.stringify(snapshotState(state)));
    // Assess
    expect(Object.keys(document.regions)).toEqual(['__proto__']);
  });
});
