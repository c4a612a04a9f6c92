/**
 * Conformance: ListSecrets with filters (prefix matches, case rules, negation), pagination, and
 * secrets scheduled for deletion.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Filter.html
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  type Filter,
  ListSecretsCommand,
  type SecretListEntry,
} from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import { useConformance } from './harness.js';

const cf = useConformance();

/** Three secrets under one unique family prefix, with descriptions and tags to filter on. */
let family = '';
let runWord = '';
const names = { alphaOne: '', alphaTwo: '', beta: '' };

beforeAll(async () => {
  family = `${cf.uniqueName('list')}/`;
  // Description filters match prefixes, so each description starts with a word unique to this run.
  runWord = `conf${family.replace(/[^a-z0-9]/g, '').slice(-12)}`;
  names.alphaOne = `${family}alpha/one`;
  names.alphaTwo = `${family}alpha/two`;
  names.beta = `${family}beta`;
  cf.track(names.alphaOne, names.alphaTwo, names.beta);
  const specs = [
    { Name: names.alphaOne, Description: `${runWord} alpha`, team: 'blue' },
    { Name: names.alphaTwo, Description: `${runWord} alpha`, team: 'green' },
    { Name: names.beta, Description: `${runWord} beta`, team: 'blue' },
  ];
  for (const spec of specs) {
    await cf.sm.send(
      new CreateSecretCommand({
        Name: spec.Name,
        Description: spec.Description,
        SecretString: 'listed',
        Tags: [{ Key: `team${runWord}`, Value: `${spec.team}${runWord}` }],
      }),
    );
  }
});

/** Every page of ListSecrets for `filters`, scoped to this file's family by a name filter. */
const listAll = async (
  filters: Filter[],
  options: { maxResults?: number; includePlannedDeletion?: boolean } = {},
): Promise<{ entries: SecretListEntry[]; pages: number }> => {
  const entries: SecretListEntry[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await cf.sm.send(
      new ListSecretsCommand({
        Filters: [{ Key: 'name', Values: [family] }, ...filters],
        ...(options.maxResults === undefined ? {} : { MaxResults: options.maxResults }),
        ...(options.includePlannedDeletion === undefined
          ? {}
          : { IncludePlannedDeletion: options.includePlannedDeletion }),
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      }),
    );
    pages += 1;
    if (options.maxResults !== undefined) {
      expect(page.SecretList?.length ?? 0).toBeLessThanOrEqual(options.maxResults);
    }
    entries.push(...(page.SecretList ?? []));
    nextToken = page.NextToken;
  } while (nextToken !== undefined && pages < 20);
  return { entries, pages };
};

const namesOf = (entries: SecretListEntry[]): string[] =>
  entries.map((entry) => entry.Name ?? '').sort();

describe('ListSecrets filters', () => {
  it('name: matches a prefix', async () => {
    // Prepare / Act / Assess
    await cf.eventually(async () => {
      const { entries } = await listAll([{ Key: 'name', Values: [`${family}alpha/`] }]);
      expect(namesOf(entries)).toEqual([names.alphaOne, names.alphaTwo].sort());
    });
  });

  it('name: is case-sensitive', async () => {
    // Prepare
    const upper = `${family}ALPHA/`;

    // Act
    const { entries } = await listAll([{ Key: 'name', Values: [upper] }]);

    // Assess
    expect(entries).toEqual([]);
  });

  it('description: matches a prefix, not case-sensitive', async () => {
    // Prepare / Act / Assess
    await cf.eventually(async () => {
      const { entries } = await listAll([
        { Key: 'description', Values: [`${runWord.toUpperCase()} BETA`] },
      ]);
      expect(namesOf(entries)).toEqual([names.beta]);
    });
  });

  it('tag-key and tag-value: match prefixes', async () => {
    // Prepare / Act / Assess
    await cf.eventually(async () => {
      const byKey = await listAll([{ Key: 'tag-key', Values: [`team${runWord}`] }]);
      const byValue = await listAll([{ Key: 'tag-value', Values: [`blue${runWord}`] }]);
      expect(namesOf(byKey.entries)).toEqual([names.alphaOne, names.alphaTwo, names.beta].sort());
      expect(namesOf(byValue.entries)).toEqual([names.alphaOne, names.beta].sort());
    });
  });

  it('negation: a value starting with ! excludes the matches', async () => {
    // Prepare / Act / Assess
    await cf.eventually(async () => {
      const notBlue = await listAll([{ Key: 'tag-value', Values: [`!blue${runWord}`] }]);
      const notAlpha = await listAll([{ Key: 'description', Values: [`!${runWord} alpha`] }]);
      expect(namesOf(notBlue.entries)).toEqual([names.alphaTwo]);
      expect(namesOf(notAlpha.entries)).toEqual([names.beta]);
    });
  });

  it('returns the documented fields of each entry', async () => {
    // Prepare / Act / Assess
    await cf.eventually(async () => {
      const { entries } = await listAll([{ Key: 'name', Values: [names.beta] }]);
      expect(entries).toHaveLength(1);
      const [entry] = entries;
      expect(entry?.Name).toBe(names.beta);
      expect(entry?.ARN).toContain(`:secret:${names.beta}-`);
      expect(entry?.Description).toBe(`${runWord} beta`);
      expect(entry?.Tags).toEqual([{ Key: `team${runWord}`, Value: `blue${runWord}` }]);
      expect(Object.values(entry?.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']]);
      expect(entry?.CreatedDate).toBeInstanceOf(Date);
    });
  });
});

describe('ListSecrets pagination', () => {
  it('returns every match exactly once across pages of MaxResults=1', async () => {
    // Prepare / Act / Assess
    await cf.eventually(async () => {
      const { entries, pages } = await listAll([], { maxResults: 1 });
      expect(namesOf(entries)).toEqual([names.alphaOne, names.alphaTwo, names.beta].sort());
      expect(pages).toBeGreaterThanOrEqual(3);
    });
  });

  it('fails with InvalidNextTokenException for a token it did not issue', async () => {
    // Prepare
    const forged = 'bm90LWEtcmVhbC10b2tlbg==';

    // Act / Assess
    await expect(
      cf.sm.send(new ListSecretsCommand({ NextToken: forged, MaxResults: 1 })),
    ).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
  });
});

describe('ListSecrets and deletion', () => {
  it('leaves out secrets scheduled for deletion unless IncludePlannedDeletion is true', async () => {
    // Prepare
    const doomed = `${family}doomed`;
    cf.track(doomed);
    await cf.sm.send(new CreateSecretCommand({ Name: doomed, SecretString: 'bye' }));
    await cf.sm.send(new DeleteSecretCommand({ SecretId: doomed, RecoveryWindowInDays: 7 }));
    const onlyDoomed = [{ Key: 'name' as const, Values: [doomed] }];

    // Act / Assess
    await cf.eventually(async () => {
      const hidden = await listAll(onlyDoomed);
      const shown = await listAll(onlyDoomed, { includePlannedDeletion: true });
      expect(hidden.entries).toEqual([]);
      expect(namesOf(shown.entries)).toEqual([doomed]);
      expect(shown.entries[0]?.DeletedDate).toBeInstanceOf(Date);
    });
  });
});
