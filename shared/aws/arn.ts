/**
 * Reading ARNs, with no AWS SDK behind it: modules that only need a Region out of an ARN import
 * this, not an adapter, so an SDK client stays out of their bundle's cold start.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

/** The Region of an ARN (`arn:aws:rds:<region>:<account>:db:<id>`); `undefined` if it has none. */
export const regionOfArn = (arn: string): string | undefined => {
  const region = arn.split(':')[3];
  return region === undefined || region === '' ? undefined : region;
};
