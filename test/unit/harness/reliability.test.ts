/**
 * The reliability harness's own parts that need no server: naming statements without their
 * values, numbering points and acting at one, finding the end of a MySQL answer, and picking
 * crash points.
 */
import { describe, expect, it } from 'vitest';
import { pick } from '#test/harness/reliability/crash-suite.js';
import { Interceptor, statementLabel } from '#test/harness/reliability/interceptor.js';
import { MysqlAnswer, type MysqlPacket, PgMessages } from '#test/harness/reliability/wire.js';

const packet = (...bytes: number[]): MysqlPacket => {
  const payload = Buffer.from(bytes);
  return { sequence: 1, payload, raw: payload };
};

describe('statementLabel', () => {
  it.each([
    ["ALTER USER 'app'@'%' IDENTIFIED BY 'canary-Secret-1'", 'ALTER USER'],
    ['ALTER ROLE "app" WITH PASSWORD \'SCRAM-SHA-256$4096:abc\'', 'ALTER ROLE'],
    [
      "SET STATEMENT max_statement_time = 5.000 FOR ALTER USER 'a'@'%' IDENTIFIED BY 'x'",
      'ALTER USER',
    ],
    ['SELECT 1', 'SELECT'],
    ['  begin', 'BEGIN'],
    ["'quoted' first", 'statement'],
  ])('names %j as %s, never a value', (sql, label) => {
    // Act
    const named = statementLabel(sql);
    // Assess
    expect(named).toBe(label);
    expect(named).not.toMatch(/canary|SCRAM|'/);
  });
});

describe('Interceptor', () => {
  it('numbers points in count mode and lets every one pass', () => {
    // Prepare
    const interceptor = new Interceptor();
    interceptor.step = 'setSecret';
    interceptor.arm({ mode: 'count' });
    // Act
    const actions = [
      interceptor.decide('sm', 'GetSecretValue'),
      interceptor.decide('sql', 'SELECT'),
    ];
    // Assess
    expect(actions).toEqual(['pass', 'pass']);
    expect(interceptor.points()).toEqual([
      { kind: 'sm', label: 'GetSecretValue', step: 'setSecret' },
      { kind: 'sql', label: 'SELECT', step: 'setSecret' },
    ]);
  });

  it('acts once, at the numbered point, and calls onAct', () => {
    // Prepare
    const interceptor = new Interceptor();
    let acted = 0;
    interceptor.arm({ mode: 'act', at: 1, action: 'crash-after', onAct: () => (acted += 1) });
    // Act
    const actions = ['a', 'b', 'c'].map((label) => interceptor.decide('sql', label));
    // Assess
    expect(actions).toEqual(['pass', 'crash-after', 'pass']);
    expect(interceptor.acted()?.label).toBe('b');
    expect(acted).toBe(1);
  });

  it('acts at the first point that matches a predicate', () => {
    // Prepare
    const interceptor = new Interceptor();
    interceptor.arm({ mode: 'act', at: (point) => point.kind === 'sql', action: 'hang' });
    // Act
    const actions = [interceptor.decide('sm', 'x'), interceptor.decide('sql', 'y')];
    // Assess
    expect(actions).toEqual(['pass', 'hang']);
  });

  it('passes everything when disarmed', () => {
    // Prepare
    const interceptor = new Interceptor();
    interceptor.arm({ mode: 'act', at: 0, action: 'crash-before' });
    interceptor.disarm();
    // Act / Assess
    expect(interceptor.decide('sql', 'x')).toBe('pass');
    expect(interceptor.acted()).toBeUndefined();
  });
});

describe('MysqlAnswer', () => {
  it('ends at an OK or an ERR packet', () => {
    expect(new MysqlAnswer(false).push(packet(0x00, 0, 0, 2, 0))).toBe(true);
    expect(new MysqlAnswer(false).push(packet(0xff, 0x15, 0x04))).toBe(true);
  });

  it('ends a result set at the EOF after its rows, not the one after its columns', () => {
    // Prepare: one column, its definition, EOF, two rows, EOF
    const answer = new MysqlAnswer(false);
    // Act
    const ends = [
      packet(0x01),
      packet(0x03, 0x64, 0x65, 0x66),
      packet(0xfe, 0, 0, 2, 0),
      packet(0x01, 0x31),
      packet(0x01, 0x32),
      packet(0xfe, 0, 0, 2, 0),
    ].map((p) => answer.push(p));
    // Assess
    expect(ends).toEqual([false, false, false, false, false, true]);
  });

  it('ends a result set at the OK packet when EOF is deprecated', () => {
    // Prepare
    const answer = new MysqlAnswer(true);
    // Act
    const ends = [
      packet(0x01),
      packet(0x03, 0x64),
      packet(0x01, 0x31),
      packet(0xfe, 0, 0, 2, 0),
    ].map((p) => answer.push(p));
    // Assess
    expect(ends).toEqual([false, false, false, true]);
  });
});

describe('PgMessages', () => {
  it('frames typed messages split across chunks', () => {
    // Prepare: Query('SELECT 1') then Sync, split mid-message
    const query = Buffer.concat([
      Buffer.from('Q'),
      Buffer.from([0, 0, 0, 13]),
      Buffer.from('SELECT 1\0'),
    ]);
    const sync = Buffer.from([0x53, 0, 0, 0, 4]);
    const stream = Buffer.concat([query, sync]);
    const framer = new PgMessages();
    // Act
    const first = framer.push(stream.subarray(0, 7));
    const rest = framer.push(stream.subarray(7));
    // Assess
    expect(first).toEqual([]);
    expect(rest.map((message) => message.type)).toEqual(['Q', 'S']);
  });
});

describe('pick', () => {
  it('picks every point on both sides, or an even spread', () => {
    expect(pick(2, { all: true })).toEqual([
      [0, 'before'],
      [0, 'after'],
      [1, 'before'],
      [1, 'after'],
    ]);
    const spread = pick(10, { spread: 3 });
    expect(spread).toHaveLength(3);
    expect(new Set(spread.map(([index, side]) => `${index}${side}`)).size).toBe(3);
  });
});
