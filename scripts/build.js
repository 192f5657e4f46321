// `npm run build`: src/ bundled by esbuild into dist/, for bin/ (and so for the npm package). Every dependency is
// inside, so the package installs with nothing to fetch. dist/safe-eksctl.js is the CLI, dist/fake-eksctl.js the
// simulated eksctl, dist/action-summary.js the GitHub Action's step summary (action.yml). What they load later
// (commander, the AWS SDK, the Kubernetes client, the simulator) sits in dist/chunks/ and is read only by the
// commands that import it, so `--version`, `--help` and a pass-through to eksctl never pay for the SDK.
//   node scripts/build.js            dist/
//   node scripts/build.js --bench    bench/.build/: the modules bench/ imports, one file per src/ module path
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Settings every build of src/ shares: Node 20.19, our engines floor. */
export const NODE_TARGET = { bundle: true, platform: 'node', target: 'node20.19', absWorkingDir: ROOT, logLevel: 'warning' };

// Bundled CommonJS packages call require() for Node's modules, which an ES module does not have: each file gets one.
const REQUIRE_IN_ESM = "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/** The modules bench/ imports from bench/.build/ (its packages are the checkout's node_modules). */
const BENCH_MODULES = [
  'src/adapters/eks.ts',
  'src/commands/create.ts',
  'src/core/backoff.ts',
  'src/sim/credentials.ts',
  'src/sim/faults.ts',
  'src/sim/fake-eksctl/create-cluster.ts',
  'src/sim/index.ts',
  'src/sim/world.ts',
  'src/tasks/wait-profiles.ts',
];

export async function buildDist() {
  rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
  await build({
    ...NODE_TARGET,
    entryPoints: { 'safe-eksctl': 'src/main.ts', 'fake-eksctl': 'src/sim/fake-eksctl/main.ts', 'action-summary': 'src/action-summary.ts' },
    outdir: 'dist',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: REQUIRE_IN_ESM },
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
