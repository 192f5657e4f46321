import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseClusterConfig, type ClusterConfig } from '../../src/core/config.js';
import { BIN, EXAMPLES, nodeOnlyPath, recordingDir } from './bin.js';

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

/**
 * A directory holding cluster.yaml (the bug report), as a user's repository would, and the env to run there: a PATH
 * of node alone, so no eksctl, kubectl, aws or safe-eksctl is found by accident (the simulator's eksctl comes
 * through the env). With `installed`, also the system's commands and a `safe-eksctl` first on PATH, as after
 * `npm install -g`. Removed by removeTempDirs.
 */
export function userRepo(env: Record<string, string>, { installed }: { installed: boolean }): { dir: string; env: Record<string, string> } {
  const { dir } = recordingDir();
  copyFileSync(join(EXAMPLES, 'bug-report.yaml'), join(dir, 'cluster.yaml'));
  const path = [nodeOnlyPath()];
  if (installed) {
    const shim = join(dir, 'safe-eksctl');
    // `make demo` waits on its own simulator's time: the demo's CoreDNS and profile deadlines (10 and 20 simulated
    // minutes) are only 6 and 12 real seconds at its time scale 0.01, which a loaded machine could run out. The shim
    // gives the demo 2 hours, so only a broken run fails it; every other command runs as written.
    const demoDeadlines = '--coredns-timeout 2h --fargate-timeout 2h';
    writeFileSync(shim, `#!/bin/sh\nif [ "$1" = demo ]; then shift; set -- demo ${demoDeadlines} "$@"; fi\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(shim, 0o755);
    path.unshift(dir);
    path.push('/usr/bin', '/bin');
  }
  return { dir, env: { ...env, PATH: path.join(delimiter) } };
}
