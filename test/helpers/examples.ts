import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseClusterConfig, type ClusterConfig } from '../../src/core/config.js';
import { EXAMPLES } from './bin.js';

export function example(name: string): ClusterConfig {
  return parseClusterConfig(readFileSync(join(EXAMPLES, name), 'utf8'), name);
}

/** A config without an example file: the bug report's head plus the given YAML. */
export function config(rest: string): ClusterConfig {
  return parseClusterConfig(
    `apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  region: eu-west-1\n${rest}`,
    'inline.yaml',
  );
}
