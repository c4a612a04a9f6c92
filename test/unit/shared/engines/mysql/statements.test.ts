import { describe, expect, it } from 'vitest';
import {
  accountSql,
  alterUserPassword,
  alterUserPasswordAndTls,
  createUser,
  listAccounts,
  listDefaultRoles,
  NO_TLS_REQUIREMENT,
  requireClause,
  safeSqlMode,
  setDefaultRoles,
  setOwnPasswordHashed,
  setPasswordFor,
  splitCurrentUser,
  tlsDifferences,
  tlsRequirementOf,
} from '#shared/engines/mysql/statements.js';
import { DatabaseUserError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';
import { clone, HOSTILE_NAMES, literalsOf, rendered } from './sql-text.js';

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

describe('account and password statements', () => {
  it.each(HOSTILE_NAMES)('keeps the user name %s inside one literal', (name) => {
    // Prepare
    const password = new Sensitive(PRINTABLE);

    // Act
    const sql = rendered(alterUserPassword(name, 'local\\host', password));

    // Assess
    expect(sql.startsWith('ALTER USER ')).toBe(true);
    expect(literalsOf(sql)).toEqual([name, 'local\\host', PRINTABLE]);
  });

  it('binds every printable character of a password as one literal', () => {
    // Prepare
    const password = new Sensitive(PRINTABLE);

    // Act
    const statements = [
      setPasswordFor('app', '%', password),
      setOwnPasswordHashed(password),
      createUser('app', '127.0.0.1', password, NO_TLS_REQUIREMENT),
    ];

    // Assess
    for (const statement of statements) {
      expect(statement.sql).not.toContain(PRINTABLE);
      expect(statement.carriesSecret).toBe(true);
      expect(literalsOf(rendered(statement))).toContain(PRINTABLE);
    }
  });

  it('keeps the password out of the statement until the session reveals it', () => {
    // Prepare
    const password = new Sensitive('canary-Pa55');

    // Act
    const statement = alterUserPasswordAndTls('app', '%', password, NO_TLS_REQUIREMENT);

    // Assess
    expect(JSON.stringify(statement)).not.toContain('canary-Pa55');
    expect(statement.sql).toBe('ALTER USER ?@? IDENTIFIED BY ? REQUIRE NONE');
    expect(rendered(statement)).toBe(
      "ALTER USER 'app'@'%' IDENTIFIED BY 'canary-Pa55' REQUIRE NONE",
    );
  });

  it('rejects a NUL in a user name, a host or a password', () => {
    // Act / Assess
    expect(() => accountSql('a\0b', '%')).toThrow(/NUL/);
    expect(() => accountSql('app', '%\0')).toThrow(/NUL/);
    expect(() => alterUserPassword('app', '%', new Sensitive('pw\0'))).toThrow(/NUL/);
    expect(() => accountSql('', '%')).toThrow(/empty/);
    expect(() => accountSql('', '%')).toThrow(DatabaseUserError);
  });

  it('leaves MariaDB roles out of the account list', () => {
    // Act
    const mariadb = listAccounts('app', 'mariadb');
    const mysql = listAccounts('app', 'mysql');

    // Assess
    expect(mariadb.sql).toContain("is_role <> 'Y'");
    expect(mysql.sql).not.toContain('is_role');
    expect(mysql.values).toEqual(['app']);
  });

  it('reads and sets MySQL 8 default roles', () => {
    // Act
    const read = listDefaultRoles("o'k", '%');
    const set = setDefaultRoles(clone, [
      { user: 'r1', host: '%' },
      { user: 'r`2', host: 'localhost' },
    ]);
    const none = setDefaultRoles(clone, []);

    // Assess
    expect(read.values).toEqual(["o'k", '%']);
    expect(read.sql).toContain('FROM mysql.default_roles WHERE USER = ? AND HOST = ?');
    expect(set.sql).toBe("SET DEFAULT ROLE 'r1'@'%', 'r`2'@'localhost' TO 'app_clone'@'%'");
    expect(none.sql).toBe("SET DEFAULT ROLE NONE TO 'app_clone'@'%'");
  });

  it('splits CURRENT_USER() at the last @', () => {
    // Act / Assess
    expect(splitCurrentUser('a@b@10.0.0.%')).toEqual({ user: 'a@b', host: '10.0.0.%' });
  });

  it('clears NO_BACKSLASH_ESCAPES and ANSI_QUOTES, and only them', () => {
    // Act / Assess
    expect(safeSqlMode('STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES,ANSI_QUOTES')).toBe(
      'STRICT_TRANS_TABLES',
    );
    expect(safeSqlMode('STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION')).toBeUndefined();
  });
});

describe('TLS requirements', () => {
  it('writes each ssl_type as its REQUIRE clause', () => {
    // Act / Assess
    expect(requireClause(NO_TLS_REQUIREMENT)).toBe('REQUIRE NONE');
    expect(requireClause({ ...NO_TLS_REQUIREMENT, type: 'ANY' })).toBe('REQUIRE SSL');
    expect(requireClause({ ...NO_TLS_REQUIREMENT, type: 'X509' })).toBe('REQUIRE X509');
    expect(
      requireClause({ type: 'SPECIFIED', issuer: "/CN=O'CA", subject: '/CN=app', cipher: '' }),
    ).toBe("REQUIRE ISSUER '/CN=O\\'CA' AND SUBJECT '/CN=app'");
    expect(requireClause({ ...NO_TLS_REQUIREMENT, type: 'SPECIFIED' })).toBe('REQUIRE X509');
  });

  it('binds issuer, subject and cipher as values next to a password', () => {
    // Prepare
    const tls = { type: 'SPECIFIED', issuer: '/CN=a?b', subject: '', cipher: 'AES' } as const;

    // Act
    const statement = createUser('app', '%', new Sensitive('pw?'), tls);

    // Assess
    expect(statement.sql).toBe('CREATE USER ?@? IDENTIFIED BY ? REQUIRE ISSUER ? AND CIPHER ?');
    expect(literalsOf(rendered(statement))).toEqual(['app', '%', 'pw?', '/CN=a?b', 'AES']);
  });

  it('reads mysql.user columns, BLOBs included', () => {
    // Act
    const tls = tlsRequirementOf({
      sslType: 'SPECIFIED',
      sslCipher: Buffer.from(''),
      x509Issuer: Buffer.from('/CN=ca'),
      x509Subject: null,
    });

    // Assess
    expect(tls).toEqual({ type: 'SPECIFIED', cipher: '', issuer: '/CN=ca', subject: '' });
  });

  it('describes differences without the issuer or subject values', () => {
    // Act
    const differences = tlsDifferences(
      { type: 'SPECIFIED', cipher: '', issuer: '/CN=secret-ca', subject: '' },
      { ...NO_TLS_REQUIREMENT, type: 'ANY' },
    );

    // Assess
    expect(differences).toEqual(['TLS requirement SSL instead of SPECIFIED', 'TLS issuer differs']);
    expect(differences.join()).not.toContain('secret-ca');
  });
});
