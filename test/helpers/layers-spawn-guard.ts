// Setup file of the vitest projects (vitest.config.ts). The `unit` project is the layer that starts no process: a file
// there that spawns one fails, naming what it started, so a spawn cannot slip into the layer CI's second Node leg
// skips. SAFE_EKSCTL_SPAWN_LOG=FILE instead records every spawn with its test file (how the e2e list was drawn up).
import { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { afterAll, afterEach, expect } from 'vitest';

// Both projects share one module graph between their files (isolate: false), and this file runs again before each
// of them: the patch below goes in once per worker, and what it saw is kept per file in one shared record. The layer
// is read at each spawn, not kept from the first file, so a worker that served the other project never judges by it.
interface GuardState {
  refused: string[];
  spawns: number;
}
const KEY = Symbol.for('safe-eksctl.spawn-guard');
const holder = globalThis as unknown as Record<symbol, GuardState | undefined>;
const fresh = holder[KEY] === undefined;
const state: GuardState = (holder[KEY] ??= { refused: [], spawns: 0 });
// A new file starts with nothing seen.
state.refused.length = 0;
state.spawns = 0;

function started(what: string): void {
  const log = process.env.SAFE_EKSCTL_SPAWN_LOG;
  const refuse = process.env.SAFE_EKSCTL_LAYER === 'unit' && log === undefined;
  state.spawns += 1;
  const file = expect.getState().testPath ?? '(outside a test)';
  if (log !== undefined) {
    appendFileSync(log, `${file}\t${what}\n`);
    return;
  }
  if (!refuse) return;
  state.refused.push(what);
  throw new Error(`a unit test started a process (${what}): list ${file} in the e2e project of vitest.config.ts`);
}

function describe(file: unknown, args: unknown): string {
  const words = Array.isArray(args) ? args.map(String) : [];
  return [String(file), ...words].join(' ').replace(/\s+/g, ' ').slice(0, 200);
}

if (fresh) {
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
}

// A spawn the code under test catches (execa's reject: false) must still fail the test that made it.
afterEach(() => {
  if (state.refused.length === 0) return;
  const what = state.refused.splice(0);
  throw new Error(`this test started ${what.length} process(es), but its file is in the unit project: ${what[0]}`);
});

// The other way round is only a hint: a file converted to run in process can leave the e2e list, which makes CI's
// second leg shorter (a file whose tests were all skipped says so too).
afterAll(() => {
  if (process.env.SAFE_EKSCTL_LAYER === 'e2e' && state.spawns === 0) {
    console.warn(`${expect.getState().testPath ?? 'this file'} started no process: it can move to the unit project (test/layers.js)`);
  }
});
