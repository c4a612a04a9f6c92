/** A fake RDS `endpointOf`: databases by ARN, and a log of every lookup. */
import type { RdsDirectory, RdsEndpoint, RdsResourceKind } from '#shared/aws/rds-directory.js';

export class FakeRdsEndpointLookup implements Pick<RdsDirectory, 'endpointOf'> {
  public readonly lookups: { kind: RdsResourceKind; arn: string }[] = [];
  readonly #databases = new Map<string, { kind: RdsResourceKind; endpoint: RdsEndpoint }>();
  public failWith: Error | undefined;

  public add(kind: RdsResourceKind, arn: string, endpoint: RdsEndpoint): this {
    this.#databases.set(arn, { kind, endpoint });
    return this;
  }

  public async endpointOf(kind: RdsResourceKind, arn: string): Promise<RdsEndpoint | undefined> {
    this.lookups.push({ kind, arn });
    if (this.failWith) throw this.failWith;
    const known = this.#databases.get(arn);
    return known?.kind === kind ? known.endpoint : undefined;
  }
}
