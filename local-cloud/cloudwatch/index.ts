/** The local CloudWatch metrics API: see local-cloudwatch.ts. */
export { createLocalCloudWatch, type MetricSource } from './local-cloudwatch.js';
