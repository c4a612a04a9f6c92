/** Reading names and Regions out of ARNs, for display. */

/** The Region field of an ARN, e.g. `us-east-1`. */
export const regionOfArn = (arn: string): string | undefined =>
  arn.startsWith('arn:') ? arn.split(':')[3] : undefined;

/**
 * A secret's name from its ARN (which ends in `-` and six random characters); anything that is
 * not a secret ARN comes back as it is.
 * @example secretNameOfArn('arn:aws:secretsmanager:us-east-1:1:secret:prod/app-AbCdEf') // 'prod/app'
 */
export const secretNameOfArn = (arn: string): string => {
  const match = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}$/.exec(arn);
  return match?.[1] ?? arn;
};
