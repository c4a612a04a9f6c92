import { describe, expect, it } from 'vitest';
import { grantAtoms, parseGrantLine, regrant, surplusAtoms } from '#shared/engines/mysql/grants.js';
import { GrantParseError } from '#shared/errors.js';
import { app, clone, HOSTILE_NAMES, literalsOf } from './sql-text.js';

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

  it('throws the named GrantParseError, never a bare RotasyncError', () => {
    // Act
    const parse = () => parseGrantLine('SHOW TABLES');
    const replayForOther = () =>
      regrant(parseGrantLine('GRANT SELECT ON `db`.* TO `other`@`%`'), app, clone);
    // Assess
    expect(parse).toThrow(GrantParseError);
    expect(replayForOther).toThrow(GrantParseError);
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
