import { spawnSync } from 'node:child_process';

const seen = new Map<string, boolean>();

/**
 * Whether an outside client (kubectl, aws) is installed. Conformance tests skip without it and say so once, so a
 * green run elsewhere never hides that the real protocols went unchecked.
 */
export function hasCommand(tool: string): boolean {
  let found = seen.get(tool);
  if (found === undefined) {
    found = spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
    seen.set(tool, found);
    if (!found) console.warn(`skipping tests that drive the simulator with ${tool}: ${tool} is not installed`);
  }
  return found;
}

/** Where an installed command is, to start it with a PATH that does not hold it; undefined when it is not installed. */
export function commandPath(tool: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}
