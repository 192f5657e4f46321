// The package's own files (package.json, the shipped examples), wherever this copy of safe-eksctl runs from: a
// checkout or an npm install, where they lie beside src/ or dist/, or the standalone executable, which carries them
// inside as Node SEA assets (scripts/build-binary.js embeds exactly STANDALONE_ASSETS).
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';

export const STANDALONE_ASSETS = ['package.json', 'examples/bug-report.yaml'] as const;
export type PackageFile = (typeof STANDALONE_ASSETS)[number];

/**
 * The standalone executable is also the simulated eksctl when started through a link of this name: a machine with
 * no Node has no other way to run bin/fake-eksctl.js for `demo` and `sim`.
 */
export const FAKE_EKSCTL_LINK = 'fake-eksctl';

/** True inside the standalone executable (`npm run build:binary`). */
export function isStandalone(): boolean {
  return isSea();
}

let root: string | undefined;

/**
 * The directory holding package.json: above src/ in a checkout, above dist/ (or dist/chunks/) in the bundle, so
 * the answer does not hang on which chunk this code was bundled into. Not defined inside the standalone executable.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  if (isSea()) throw new Error('the standalone executable has no package directory');
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return (root = dir);
}

export function packageFileText(file: PackageFile): string {
  return isSea() ? getAsset(file, 'utf8') : readFileSync(join(packageRoot(), file), 'utf8');
}

/** A path to one of the package's files: the file itself, or, inside the standalone executable, a copy put in `dir`. */
export async function packageFileOnDisk(file: PackageFile, dir: string): Promise<string> {
  if (!isSea()) return join(packageRoot(), file);
  const copy = join(dir, basename(file));
  await writeFile(copy, getAsset(file, 'utf8'));
  return copy;
}

export function packageVersion(): string {
  return (JSON.parse(packageFileText('package.json')) as { version: string }).version;
}
