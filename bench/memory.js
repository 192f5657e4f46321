// Peak RSS of a full `safe-eksctl demo`, the safe-eksctl process and each eksctl child it starts taken apart.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';

const BIN = fileURLToPath(new URL('../bin/safe-eksctl.js', import.meta.url));
const PRELOAD = pathToFileURL(fileURLToPath(new URL('./rss-preload.js', import.meta.url))).href;

/** @param {{ timeScale: number }} options */
export async function measureDemoMemory({ timeScale }) {
  const dir = await mkdtemp(join(tmpdir(), 'safe-eksctl-bench-rss-'));
  const log = join(dir, 'rss.jsonl');
  try {
    const child = await execa(process.execPath, [BIN, 'demo', '--time-scale', String(timeScale), '--output', 'json'], {
      reject: false,
      env: { NODE_OPTIONS: `--import ${PRELOAD}`, BENCH_RSS_LOG: log, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    if (child.exitCode !== 0) throw new Error(`demo exited ${child.exitCode}: ${child.stderr}`);
    const entries = (await readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const mb = (/** @type {number} */ kb) => Math.round((kb / 1024) * 10) / 10;
    const safe = entries.find((e) => basename(e.argv[0] ?? '') === 'safe-eksctl.js');
    const eksctl = entries.filter((e) => basename(e.argv[0] ?? '') === 'fake-eksctl.js');
    const create = eksctl.find((e) => e.argv[1] === 'create');
    return {
      safeEksctlPeakRssMb: safe ? mb(safe.maxRssKb) : undefined,
      eksctlCreatePeakRssMb: create ? mb(create.maxRssKb) : undefined,
      eksctlVersionPeakRssMb: eksctl.find((e) => e.argv[1] === 'version') ? mb(eksctl.find((e) => e.argv[1] === 'version').maxRssKb) : undefined,
      note: 'safe-eksctl figure includes the in-process simulator the demo runs',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
