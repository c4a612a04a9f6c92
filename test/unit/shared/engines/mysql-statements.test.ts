import { format } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import {
  accountSql,
  alterUserPassword,
  alterUserPasswordAndTls,
  createUser,
  grantAtoms,
  listAccounts,
  listDefaultRoles,
  NO_TLS_REQUIREMENT,
  parseGrantLine,
  regrant,
  requireClause,
  type Statement,
  safeSqlMode,
  setDefaultRoles,
  setOwnPasswordHashed,
  setPasswordFor,
  splitCurrentUser,
  surplusAtoms,
  tlsDifferences,
  tlsRequirementOf,
  tokenize,
} from '#shared/engines/mysql-statements.js';
import { Sensitive } from '#shared/sensitive.js';

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const HOSTILE_NAMES = ["we'ird`user", 'back\\slash', 'dq"uote', "'; DROP USER root; --", 'a?b'];

/** The SQL text mysql2's `query` would send for a statement. */
const rendered = (statement: Statement): string =>
  format(
    statement.sql,
    statement.values.map((value) => (typeof value === 'string' ? value : value.reveal())),
  );

/** Reads back the single-quoted literals of rendered SQL with the server's rules. */
const literalsOf = (sql: string): string[] =>
  tokenize(sql)
    .filter((token) => token.kind === 'quoted' && token.raw.startsWith("'"))
    .map((token) => token.value);

const app = { user: 'app', host: '%' };
const clone = { user: 'app_clone', host: '%' };

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

describe('SHOW GRANTS parsing and replay', () => {
  it('replays a MySQL 8 schema grant onto the clone', () => {
    // Prepare
    const line = parseGrantLine('GRANT SELECT, INSERT ON `db`.* TO `app`@`%`');

    // Act
    const statement = regrant(line, app, clone);

    // Assess
    expect(line).toMatchObject({ kind: 'privileges', privileges: ['SELECT', 'INSERT'] });
    expect(statement.sql).toBe("GRANT SELECT, INSERT ON `db`.* TO 'app_clone'@'%'");
    expect(statement.values).toEqual([]);
  });

  it('replays a MySQL 8 role grant with ADMIN OPTION', () => {
    // Prepare
    const line = parseGrantLine('GRANT `r1`@`%`,`r2`@`localhost` TO `app`@`%` WITH ADMIN OPTION');

    // Act
    const statement = regrant(line, app, clone);

    // Assess
    expect(line).toMatchObject({ kind: 'roles', roles: ['`r1`@`%`', '`r2`@`localhost`'] });
    expect(statement.sql).toBe(
      "GRANT `r1`@`%`,`r2`@`localhost` TO 'app_clone'@'%' WITH ADMIN OPTION",
    );
  });

  it('replays MySQL 8 dynamic privileges WITH GRANT OPTION', () => {
    // Prepare
    const line = parseGrantLine(
      'GRANT BACKUP_ADMIN,REPLICATION_SLAVE_ADMIN ON *.* TO `app`@`%` WITH GRANT OPTION',
    );

    // Act
    const statement = regrant(line, app, clone);

    // Assess
    expect(statement.sql).toBe(
      "GRANT BACKUP_ADMIN,REPLICATION_SLAVE_ADMIN ON *.* TO 'app_clone'@'%' WITH GRANT OPTION",
    );
    expect(grantAtoms([line]).map((atom) => atom.key)).toEqual([
      'privilege BACKUP_ADMIN on *.*',
      'privilege REPLICATION_SLAVE_ADMIN on *.*',
      'GRANT OPTION on *.*',
    ]);
  });

  it('drops the IDENTIFIED BY PASSWORD hash and the REQUIRE clause of MariaDB lines', () => {
    // Prepare
    const line = parseGrantLine(
      "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*2B602296A79E0A8784ACC5C88D92E46588CCA3C3' REQUIRE SSL WITH MAX_USER_CONNECTIONS 5",
    );

    // Act
    const statement = regrant(line, app, clone);

    // Assess
    expect(statement.sql).toBe("GRANT USAGE ON *.* TO 'app_clone'@'%' WITH MAX_USER_CONNECTIONS 5");
    expect(statement.sql).not.toContain('2B602296');
  });

  it('replays MariaDB role, default role, proxy and column grants', () => {
    // Prepare
    const lines = [
      'GRANT `r1` TO `app`@`%`',
      "GRANT PROXY ON 'admin'@'localhost' TO 'app'@'%' WITH GRANT OPTION",
      'GRANT SELECT (`User`, `Host`), INSERT ON `mysql`.`user` TO `app`@`%`',
      'SET DEFAULT ROLE `r1` FOR `app`@`%`',
    ].map(parseGrantLine);

    // Act
    const sql = lines.map((line) => regrant(line, app, clone).sql);

    // Assess
    expect(sql).toEqual([
      "GRANT `r1` TO 'app_clone'@'%'",
      "GRANT PROXY ON 'admin'@'localhost' TO 'app_clone'@'%' WITH GRANT OPTION",
      "GRANT SELECT (`User`, `Host`), INSERT ON `mysql`.`user` TO 'app_clone'@'%'",
      "SET DEFAULT ROLE `r1` FOR 'app_clone'@'%'",
    ]);
    expect(grantAtoms(lines).map((atom) => atom.key)).toContain(
      'privilege SELECT (`Host`) on `mysql`.`user`',
    );
  });

  it('replays a MySQL 8 partial revoke', () => {
    // Prepare
    const line = parseGrantLine('REVOKE INSERT ON `mysql`.* FROM `app`@`%`');

    // Act
    const statement = regrant(line, app, clone);

    // Assess
    expect(statement.sql).toBe("REVOKE INSERT ON `mysql`.* FROM 'app_clone'@'%'");
  });

  it.each(HOSTILE_NAMES)('finds the grantee %s and never replays another account', (name) => {
    // Prepare: the server quotes the name in backticks, doubling any backtick.
    const quoted = `\`${name.replaceAll('`', '``')}\``;
    const line = parseGrantLine(`GRANT SELECT ON \`db\`.* TO ${quoted}@\`localhost\``);
    const original = { user: name, host: 'localhost' };

    // Act
    const statement = regrant(line, original, { user: `${name}_c`, host: 'localhost' });

    // Assess
    expect(line.grantee).toEqual(original);
    expect(literalsOf(statement.sql)).toEqual([`${name}_c`, 'localhost']);
    expect(() => regrant(line, app, clone)).toThrow(/another account/);
  });

  it('takes a backtick-quoted TO inside a name for part of the name', () => {
    // Prepare
    const line = parseGrantLine('GRANT SELECT ON `x TO y`.* TO `a``b TO c`@`%`');

    // Act / Assess
    expect(line).toMatchObject({ object: '`x TO y`.*', grantee: { user: 'a`b TO c', host: '%' } });
  });

  it('reads MySQL 5.7 single-quoted grantees', () => {
    // Act
    const line = parseGrantLine("GRANT SELECT ON `db`.* TO 'o\\'k'@'10.0.0.%'");

    // Assess
    expect(line.grantee).toEqual({ user: "o'k", host: '10.0.0.%' });
  });

  it('refuses a line it does not understand', () => {
    // Act / Assess
    expect(() => parseGrantLine('GRANT SELECT ON `db`.* TO `app`@`%` AS `r1`')).toThrow(
      /could not be parsed/,
    );
    expect(() => parseGrantLine('SHOW TABLES')).toThrow(/could not be parsed/);
    expect(() => parseGrantLine('GRANT SELECT ON `db`.* TO `app`')).toThrow(/could not be parsed/);
  });
});

describe('grant differences', () => {
  it('finds what the clone has beyond the original and undoes it', () => {
    // Prepare
    const original = ['GRANT SELECT ON `db`.* TO `app`@`%`'].map(parseGrantLine);
    const cloned = [
      'GRANT USAGE ON *.* TO `app_clone`@`%`',
      'GRANT SELECT, DELETE ON `db`.* TO `app_clone`@`%` WITH GRANT OPTION',
      'GRANT `r1` TO `app_clone`@`%`',
      'SET DEFAULT ROLE `r1` FOR `app_clone`@`%`',
    ].map(parseGrantLine);

    // Act
    const surplus = surplusAtoms(grantAtoms(cloned), grantAtoms(original));

    // Assess
    expect(surplus.map((atom) => atom.undo(clone).sql)).toEqual([
      "REVOKE DELETE ON `db`.* FROM 'app_clone'@'%'",
      "REVOKE GRANT OPTION ON `db`.* FROM 'app_clone'@'%'",
      "REVOKE `r1` FROM 'app_clone'@'%'",
      "SET DEFAULT ROLE NONE FOR 'app_clone'@'%'",
    ]);
  });

  it('finds nothing when the grants match', () => {
    // Prepare
    const lines = ['GRANT SELECT ON `db`.* TO `app`@`%`'].map(parseGrantLine);

    // Act / Assess
    expect(surplusAtoms(grantAtoms(lines), grantAtoms(lines))).toEqual([]);
  });
});
