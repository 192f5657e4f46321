// Anything that is not a safe-eksctl command is eksctl's: same arguments, same stdio, eksctl's exit code. Loaded
// without commander, the SDK or the process library: only Node and ../adapters/eksctl-binary.ts.
import { resolveEksctl, runAttached } from '../adapters/eksctl-binary.js';
import type { Io } from '../io.js';

export async function passThrough(argv: string[], options: { eksctl: string | undefined }, io: Io): Promise<number> {
  return runAttached(resolveEksctl(options.eksctl, io.env, io.cwd), argv, io);
}
