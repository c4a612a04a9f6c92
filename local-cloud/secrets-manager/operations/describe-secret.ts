/** DescribeSecret: works on a secret scheduled for deletion too (it shows DeletedDate). */
import { secretIdOf } from '#local-cloud/secrets-manager/validate.js';
import type { Operation } from './context.js';
import { describeSecretFields } from './render.js';

export const describeSecret: Operation = (body, { store, region, now }) => ({
  response: describeSecretFields(store.require(secretIdOf(body)), region, now),
  changed: false,
});
