// Setup file of the vitest projects (vitest.config.ts). The `unit` project is the layer that starts no process: a file
// there that spawns one fails, naming what it started, so a spawn cannot slip into the layer CI's second Node leg
// skips. SAFE_EKSCTL_SPAWN_LOG=FILE instead records every spawn with its test file (how the e2e list was drawn up).
import { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { afterAll, afterEach, expect } from 'vitest';

const log = process.env.SAFE_EKSCTL_SPAWN_LOG;
const refuse = process.env.SAFE_EKSCTL_LAYER === 'unit' && log === undefined;
const refused: string[] = [];
let spawns = 0;

function started(what: string): void {
  spawns += 1;
  const file = expect.getState().testPath ?? '(outside a test)';
  if (log !== undefined) {
    appendFileSync(log, `${file}\t${what}\n`);
    return;
  }
  if (!refuse) return;
  refused.push(what);
  throw new Error(`a unit test started a process (${what}): list ${file} in the e2e project of vitest.config.ts`);
}

function describe(file: unknown, args: unknown): string {
  const words = Array.isArray(args) ? args.map(String) : [];
  return [String(file), ...words].join(' ').replace(/\s+/g, ' ').slice(0, 200);
}

// spawn, exec, execFile and fork all end in ChildProcess.prototype.spawn; the *Sync family has its own binding.
type SpawnOptions = { file?: string; args?: string[] };
const prototype = ChildProcess.prototype as unknown as { spawn: (this: ChildProcess, options: SpawnOptions) => unknown };
const spawnChild = prototype.spawn;
prototype.spawn = function (options) {
  started(describe(options?.file, options?.args?.slice(1)));
  return spawnChild.call(this, options);
};
// The module object that `import { spawnSync } from 'node:child_process'` reads from after syncBuiltinESMExports.
const childProcess = createRequire(import.meta.url)('node:child_process') as Record<string, unknown>;
for (const name of ['spawnSync', 'execSync', 'execFileSync'] as const) {
  const original = childProcess[name] as (...args: unknown[]) => unknown;
  childProcess[name] = function (this: unknown, ...args: unknown[]) {
    started(describe(args[0], args[1]));
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();

// A spawn the code under test catches (execa's reject: false) must still fail the test that made it.
afterEach(() => {
  if (refused.length === 0) return;
  const what = refused.splice(0);
  throw new Error(`this test started ${what.length} process(es), but its file is in the unit project: ${what[0]}`);
});

// The other way round is only a hint: a file converted to run in process can leave the e2e list, which makes CI's
// second leg shorter (a file whose tests were all skipped says so too).
afterAll(() => {
  if (process.env.SAFE_EKSCTL_LAYER === 'e2e' && spawns === 0) {
    console.warn(`${expect.getState().testPath ?? 'this file'} started no process: it can move to the unit project (test/layers.js)`);
  }
});
