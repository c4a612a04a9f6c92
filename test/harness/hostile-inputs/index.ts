/**
 * Every hostile-input target, in one place: the vitest suite (reduced runs) and
 * `npm run harness:inputs` (full runs) both take them from here.
 */

import { type DatabaseServers, databaseUserNames } from './database-targets.js';
import { localCloudRequests } from './local-cloud-target.js';
import { endpointTags, replicateToTags, replicationEvents } from './replication-targets.js';
import {
  databaseSecrets,
  passwordPolicyTags,
  rotationEvents,
  superuserSecrets,
} from './rotation-targets.js';
import type { AnyHostileInputTarget } from './target.js';

/** Targets over in-memory fakes only: no network, no server. */
export const HOSTILE_INPUT_TARGETS: readonly AnyHostileInputTarget[] = [
  rotationEvents,
  databaseSecrets,
  superuserSecrets,
  passwordPolicyTags,
  replicationEvents,
  replicateToTags,
  endpointTags,
];

/** Targets that need the loopback network (the local cloud's endpoint). */
export const NETWORK_TARGETS: readonly AnyHostileInputTarget[] = [localCloudRequests];

/** The targets on real database servers, given the servers to use. */
export const databaseTargets = (servers: DatabaseServers): readonly AnyHostileInputTarget[] =>
  databaseUserNames(servers);
