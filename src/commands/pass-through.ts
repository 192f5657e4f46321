// Anything that is not a safe-eksctl command is eksctl's: same arguments, same stdio, eksctl's exit code.
import { passThrough as runPassThrough, resolveEksctl } from '../adapters/eksctl.js';
import type { Io } from '../io.js';

export async function passThrough(argv: string[], options: { eksctl: string | undefined }, io: Io): Promise<number> {
  return runPassThrough(resolveEksctl(options.eksctl, io.env, io.cwd), argv, io);
}
