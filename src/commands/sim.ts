import { NotImplementedError } from '../errors.js';
import type { Io } from '../io.js';

export async function run(_options: Record<string, unknown>, _io: Io): Promise<number> {
  throw new NotImplementedError('sim');
}
