// Setup file of every vitest project (vitest.config.ts). Both projects run many files in one process (isolate:
// false), so a file that changes process.env and leaves it so changes what the files after it read (a region, a
// HOME, AWS credentials). Such a file fails here, naming the variables, rather than a later file failing for no
// reason of its own.
import { afterAll, beforeAll } from 'vitest';

let before: Record<string, string | undefined> = {};

beforeAll(() => {
  before = { ...process.env };
});

afterAll(() => {
  const keys = new Set([...Object.keys(before), ...Object.keys(process.env)]);
  const changed = [...keys].filter((key) => before[key] !== process.env[key]).sort();
  if (changed.length > 0) {
    throw new Error(`this file left process.env changed (${changed.join(', ')}): undo it in afterEach/afterAll (vi.unstubAllEnvs, withEnv)`);
  }
});
