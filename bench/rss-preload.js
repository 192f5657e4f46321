// Loaded into every Node process of a benchmarked run (NODE_OPTIONS=--import): on exit, appends the process's own
// peak RSS to BENCH_RSS_LOG, so safe-eksctl and the eksctl it starts are measured separately.
import { appendFileSync } from 'node:fs';

const log = process.env.BENCH_RSS_LOG;
if (log) {
  process.on('exit', () => {
    const maxRssKb = process.resourceUsage().maxRSS;
    appendFileSync(log, `${JSON.stringify({ argv: process.argv.slice(1), maxRssKb })}\n`);
  });
}
