/**
 * Per-Region secret stores. Each Region named in a request's SigV4 scope gets its own isolated
 * store, created on first use. A secret is found by name, full ARN, or partial ARN (the ARN
 * without the 6-character suffix).
 */
import { randomInt } from 'node:crypto';
import { invalidRequest, Messages, notFound } from './errors.js';
import type { SecretRecord } from './model.js';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** One Region's secrets. */
export class RegionStore {
  public readonly region: string;
  public readonly accountId: string;
  readonly #now: () => number;
  readonly #byName = new Map<string, SecretRecord>();
  readonly #byArn = new Map<string, SecretRecord>();

  public constructor(region: string, accountId: string, now: () => number) {
    this.region = region;
    this.accountId = accountId;
    this.#now = now;
  }

  /** `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random alphanumerics>`. */
  public newArn(name: string): string {
    let suffix = '';
    for (let i = 0; i < 6; i += 1) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
    return `${this.arnPrefix()}${name}-${suffix}`;
  }

  /** Every secret, scheduled deletions included, oldest first. */
  public all(): SecretRecord[] {
    const now = this.#now();
    const out: SecretRecord[] = [];
    for (const secret of this.#byName.values()) {
      if (this.#purgeIfExpired(secret, now)) continue;
      out.push(secret);
    }
    return out;
  }

  /** The secret `secretId` names (name, full ARN or partial ARN), deleted-pending included. */
  public find(secretId: string): SecretRecord | undefined {
    const secret = this.#lookup(secretId);
    if (secret === undefined || this.#purgeIfExpired(secret, this.#now())) return undefined;
    return secret;
  }

  /** Like `find`, but throws ResourceNotFoundException. */
  public require(secretId: string): SecretRecord {
    const secret = this.find(secretId);
    if (secret === undefined) throw notFound();
    return secret;
  }

  /** Like `require`, but also throws InvalidRequestException for a secret marked for deletion. */
  public requireActive(secretId: string): SecretRecord {
    const secret = this.require(secretId);
    if (secret.deletedDate !== undefined) throw invalidRequest(Messages.markedForDeletion);
    return secret;
  }

  public add(secret: SecretRecord): void {
    this.#byName.set(secret.name, secret);
    this.#byArn.set(secret.arn, secret);
  }

  public remove(secret: SecretRecord): void {
    this.#byName.delete(secret.name);
    this.#byArn.delete(secret.arn);
  }

  public get size(): number {
    return this.#byName.size;
  }

  private arnPrefix(): string {
    return `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:`;
  }

  #lookup(secretId: string): SecretRecord | undefined {
    if (!secretId.startsWith('arn:')) return this.#byName.get(secretId);
    const full = this.#byArn.get(secretId);
    if (full !== undefined) return full;
    // A partial ARN is this Region's prefix followed by the bare name.
    const prefix = this.arnPrefix();
    return secretId.startsWith(prefix)
      ? this.#byName.get(secretId.slice(prefix.length))
      : undefined;
  }

  /** A deletion whose recovery window has passed becomes final when next looked at. */
  #purgeIfExpired(secret: SecretRecord, now: number): boolean {
    if (secret.deletionDate === undefined || secret.deletionDate > now) return false;
    this.remove(secret);
    return true;
  }
}

/** Every Region's store, created on demand. */
export class SecretsState {
  public readonly accountId: string;
  public readonly now: () => number;
  readonly #regions = new Map<string, RegionStore>();

  public constructor(accountId: string, now: () => number = Date.now) {
    this.accountId = accountId;
    this.now = now;
  }

  public region(name: string): RegionStore {
    let store = this.#regions.get(name);
    if (store === undefined) {
      store = new RegionStore(name, this.accountId, this.now);
      this.#regions.set(name, store);
    }
    return store;
  }

  public regions(): IterableIterator<RegionStore> {
    return this.#regions.values();
  }
}
