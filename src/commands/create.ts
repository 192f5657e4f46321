// `safe-eksctl create cluster …` (and its short form `create -f FILE`): the options read, then the create pipeline
// (pipelines/create-cluster.ts), which `demo` runs too.
import type { Io } from '../io.js';
import { createCluster, type CreateDeps } from '../pipelines/create-cluster.js';
import { createOptionsSchema, parseOptions, type CreateOptions } from './options.js';

export { createCluster, type CreateDeps } from '../pipelines/create-cluster.js';
export type { CreateOptions } from './options.js';

export async function run(options: Record<string, unknown>, io: Io, deps: CreateDeps = {}): Promise<number> {
  return createCluster(parseCreateOptions(options), io, deps);
}

/** `configFile` (the demo's and the bench's way to name the config) is eksctl's `-f`, put first. */
export function parseCreateOptions(options: Record<string, unknown>): CreateOptions {
  return parseOptions(createOptionsSchema, options);
}
