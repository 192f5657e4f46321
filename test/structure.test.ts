// The shape issue 13 left the source in, kept true: no import circle (madge, as `npx madge --circular --extensions ts
// src` sees it, type imports included), no file in src/ over 300 lines, and no command module importing another
// (what commands share lives in session.ts, pipelines/, tasks/ or core/).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/bin.js';

const SRC = join(ROOT, 'src');
const MAX_LINES = 300;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('the source tree', () => {
  it('has no import circle', async () => {
    const graph = await madge(SRC, { fileExtensions: ['ts'], tsConfig: join(ROOT, 'tsconfig.json') });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.circular()).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = sourceFiles(SRC)
      .map((file) => ({ file: relative(ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('has no command module importing another', () => {
    // A command module is one the CLI loads for a command: `import('./commands/NAME.js')` in cli.ts or main.ts.
    const entry = ['cli.ts', 'main.ts'].map((file) => readFileSync(join(SRC, file), 'utf8')).join('\n');
    const modules = new Set([...entry.matchAll(/import\('\.\/commands\/([\w-]+)\.js'\)/g)].map((m) => m[1]!));
    expect(modules).toContain('create');
    expect(modules).toContain('check');
    const crossings = [...modules].flatMap((name) => {
      const text = readFileSync(join(SRC, 'commands', `${name}.ts`), 'utf8');
      return [...text.matchAll(/(?:from |import )'\.\/([\w-]+)\.js'/g)].map((m) => m[1]!).filter((imported) => modules.has(imported)).map((imported) => `${name} → ${imported}`);
    });
    expect(crossings).toEqual([]);
  });
});
