// `npm run build:binary [-- --out DIR]`: safe-eksctl as one executable that needs no Node on the machine, a Node
// single executable application (SEA): the whole of src/ and its packages bundled into one CommonJS script (a SEA
// runs exactly one, so nothing is left in lazy chunks), that script's V8 code cache, and the files the program reads
// of its own package, injected with postject into a copy of the node binary running this script. Built for this
// machine's platform: linux-x64 is the one the tests run (linux-arm64 should work the same; macOS and Windows need
// code signing steps this script does not take). Writes DIR/safe-eksctl-<platform>-<arch> (default DIR: release/).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import postject from 'postject';
import { NODE_TARGET } from './build.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The files src/package-files.ts reads from inside the executable (its STANDALONE_ASSETS), relative to ROOT. */
export const BINARY_ASSETS = ['package.json', 'examples/bug-report.yaml'];
/**
 * Optional packages that bundled code tries in a try/catch (ws, debug, node-fetch) and that we do not ship. Inside a
 * SEA even trying require() on anything but a Node module prints a warning on every run, so these are bundled as
 * modules that fail exactly as a missing package does.
 */
const ABSENT_OPTIONAL_PACKAGES = ['bufferutil', 'utf-8-validate', 'supports-color', 'encoding'];
const absentOptionalPackages = {
  name: 'absent-optional-packages',
  setup(bundler) {
    const filter = new RegExp(`^(${ABSENT_OPTIONAL_PACKAGES.join('|')})$`);
    bundler.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'absent' }));
    bundler.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}'`)}), { code: 'MODULE_NOT_FOUND' });`,
    }));
  },
};
/** The fuse official Node builds carry, flipped by postject to say a blob is inside (Node's SEA documentation). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Why this Node cannot be made into the executable, or undefined when it can. */
export function cannotBuildBinary(node = process.execPath) {
  if (process.platform !== 'linux') return `the standalone executable is built on Linux only, not ${process.platform}`;
  if (!readFileSync(node).includes(SEA_FUSE)) return `${node} has no single-executable fuse (not an official Node build?)`;
  return undefined;
}

/** Builds the executable into `outDir`; resolves with its path and size. */
export async function buildBinary({ outDir = join(ROOT, 'release') } = {}) {
  const problem = cannotBuildBinary();
  if (problem !== undefined) throw new Error(problem);
  const work = mkdtempSync(join(tmpdir(), 'safe-eksctl-binary-'));
  try {
    const script = join(work, 'safe-eksctl.cjs');
    await build({
      ...NODE_TARGET,
      entryPoints: ['scripts/standalone.js'],
      outfile: script,
      format: 'cjs',
      // With the code cache, import() does not work in a SEA: even a package's import('node:http') becomes require.
      supported: { 'dynamic-import': false },
      // The bundle's one use of import.meta.url (src/package-files.ts) is guarded by isSea() and never runs here.
      logOverride: { 'empty-import-meta': 'silent' },
      plugins: [absentOptionalPackages],
    });
    const blob = join(work, 'sea.blob');
    const config = join(work, 'sea-config.json');
    const assets = Object.fromEntries(BINARY_ASSETS.map((file) => [file, join(ROOT, file)]));
    writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }));
    execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });

    const binary = resolve(outDir, `safe-eksctl-${process.platform}-${process.arch}`);
    mkdirSync(outDir, { recursive: true });
    copyFileSync(process.execPath, binary);
    chmodSync(binary, 0o755);
    await postject.inject(binary, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
    return { path: binary, bytes: statSync(binary).size };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The exit code when this machine cannot build the executable at all (tests skip on it, saying why). */
export const CANNOT_BUILD_HERE = 3;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const problem = cannotBuildBinary();
  if (problem === undefined) {
    const built = await buildBinary({ outDir: values.out === undefined ? undefined : resolve(values.out) });
    process.stdout.write(`${built.path} (${(built.bytes / 1e6).toFixed(1)} MB)\n`);
  } else {
    process.stderr.write(`build:binary: ${problem}\n`);
    process.exitCode = CANNOT_BUILD_HERE;
  }
}
