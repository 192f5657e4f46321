// `npm run build`: src/ bundled by esbuild into dist/, for bin/ (and so for the npm package). Every dependency is
// inside, so the package installs with nothing to fetch.
//   dist/safe-eksctl.js     the bin's entry (src/main.ts) in one file: routing, the pass-through and `--version`, so
//                           those read no other file; it imports dist/cli.js for everything else
//   dist/cli.js             the commands (src/cli.ts); what they load later (commander, the AWS SDK, the Kubernetes
//                           client, the simulator) sits in dist/chunks/, read only by the commands that import it
//   dist/fake-eksctl.js     the simulated eksctl (bin/fake-eksctl.js)
//   dist/action-summary.js  the GitHub Action's step summary (action.yml)
//   node scripts/build.js            dist/
//   node scripts/build.js --bench    bench/.build/: the modules bench/ imports, one file per src/ module path
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Settings every build of src/ shares: Node 20.19, our engines floor. The Kubernetes client's URL parser (tr46,
 * whatwg-url) asks for Node's own punycode, which Node 22 calls deprecated on stderr unless the caller lives in
 * node_modules, and bundled code does not: it gets the same code from the userland punycode package instead.
 */
export const NODE_TARGET = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  absWorkingDir: ROOT,
  logLevel: 'warning',
  alias: { punycode: 'punycode/' },
};

// Bundled CommonJS packages call require() for Node's modules, which an ES module does not have: each file gets one.
const REQUIRE_IN_ESM = "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/** The modules bench/ imports from bench/.build/ (its packages are the checkout's node_modules). */
const BENCH_MODULES = [
  'src/adapters/eks.ts',
  'src/adapters/eksctl.ts',
  'src/commands/create.ts',
  'src/core/backoff.ts',
  'src/heal/wait-profiles.ts',
  'src/sim/credentials.ts',
  'src/sim/faults.ts',
  'src/sim/fake-eksctl/create-cluster.ts',
  'src/sim/index.ts',
  'src/sim/world.ts',
  'src/tasks/eksctl.ts',
  'src/tasks/renderer.ts',
];

/**
 * src/main.ts's own dynamic import of ./cli.js, left for Node to load: dist/cli.js is the split build's. The entry
 * carries its own copy of the few small modules it shares with the CLI (routing, errors, io); nothing crosses
 * between the two copies but plain values.
 */
const cliOutsideTheEntry = {
  name: 'cli-outside-the-entry',
  setup(bundler) {
    bundler.onResolve({ filter: /^\.\/cli\.js$/ }, (args) => (args.importer.endsWith('src/main.ts') ? { path: './cli.js', external: true } : undefined));
  },
};

export async function buildDist() {
  rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
  await build({
    ...NODE_TARGET,
    entryPoints: { cli: 'src/cli.ts', 'fake-eksctl': 'src/sim/fake-eksctl/main.ts', 'action-summary': 'src/action-summary.ts' },
    outdir: 'dist',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: REQUIRE_IN_ESM },
  });
  await build({
    ...NODE_TARGET,
    entryPoints: { 'safe-eksctl': 'src/main.ts' },
    outdir: 'dist',
    format: 'esm',
    plugins: [cliOutsideTheEntry],
  });
}

async function buildBench() {
  rmSync(new URL('../bench/.build', import.meta.url), { recursive: true, force: true });
  await build({
    ...NODE_TARGET,
    entryPoints: BENCH_MODULES,
    outbase: 'src',
    outdir: 'bench/.build',
    format: 'esm',
    splitting: true,
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await (process.argv.includes('--bench') ? buildBench() : buildDist());
}
