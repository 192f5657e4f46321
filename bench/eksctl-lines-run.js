// One eksctl phase, as `create` runs it, on whatever terminal or pipe this process was given: the eksctl task in a
// listr2 list with the renderer safe-eksctl would choose here, eksctl being bench/flood-eksctl.js. Writes
// { lines, ms } to $EKSCTL_LINES_RESULT: how long the phase took to take in every line.
//   node bench/eksctl-lines-run.js   (env: FLOOD_EKSCTL_LINES, EKSCTL_LINES_VERBOSE=1, EKSCTL_LINES_RESULT=file)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Listr } from 'listr2';
import { createInterrupt } from './.build/adapters/eksctl.js';
import { eksctlTask } from './.build/tasks/eksctl.js';
import { chooseRenderer, listrRendererOptions } from './.build/tasks/renderer.js';

const FLOOD = fileURLToPath(new URL('./flood-eksctl.js', import.meta.url));
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
const lines = Number(process.env.FLOOD_EKSCTL_LINES ?? 20_000);
const task = eksctlTask({
  title: 'eksctl create cluster',
  binary: FLOOD,
  args: ['create', 'cluster', '-f', 'cluster.yaml'],
  env: process.env,
  cwd: process.cwd(),
  interrupt: createInterrupt(),
  verbose: process.env.EKSCTL_LINES_VERBOSE === '1',
});
const list = new Listr([task], { ...listrRendererOptions(chooseRenderer('text', io), io), exitOnError: true, registerSignalListeners: false });
const started = performance.now();
await list.run();
const ms = performance.now() - started;
writeFileSync(process.env.EKSCTL_LINES_RESULT ?? '/dev/stderr', `${JSON.stringify({ lines, ms })}\n`);
