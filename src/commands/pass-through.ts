import { NotImplementedError } from '../errors.js';
import type { Io } from '../io.js';

export async function passThrough(_argv: string[], _options: { eksctl: string | undefined }, _io: Io): Promise<number> {
  throw new NotImplementedError('pass-through');
}
