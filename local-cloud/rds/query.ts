/** Reads the RDS Query protocol's form-encoded request parameters. */

/** The form parameters of one request. */
export type QueryParams = ReadonlyMap<string, string>;

/** Parses an `application/x-www-form-urlencoded` body. */
export const parseQuery = (body: Buffer): QueryParams =>
  new Map(new URLSearchParams(body.toString('utf8')));

/** The list `Prefix.<Member>.1`, `Prefix.<Member>.2`, ... in order. */
export const readList = (params: QueryParams, prefix: string, member: string): string[] => {
  const values: string[] = [];
  for (let i = 1; params.has(`${prefix}.${member}.${i}`); i += 1) {
    values.push(params.get(`${prefix}.${member}.${i}`) ?? '');
  }
  return values;
};

/** One `Filters.Filter.N` entry. */
export interface QueryFilter {
  readonly name: string;
  readonly values: readonly string[];
}

/** The request's `Filters.Filter.N.Name` / `.Values.Value.M` list. */
export const readFilters = (params: QueryParams): QueryFilter[] => {
  const filters: QueryFilter[] = [];
  for (let i = 1; params.has(`Filters.Filter.${i}.Name`); i += 1) {
    filters.push({
      name: params.get(`Filters.Filter.${i}.Name`) ?? '',
      values: readList(params, `Filters.Filter.${i}.Values`, 'Value'),
    });
  }
  return filters;
};
