// `safe-eksctl demo`: the real create pipeline — real SDK over HTTP, real Kubernetes client over HTTPS, a real child
// process for eksctl — against the local simulator and its fake eksctl. By default it replays the bug report: eksctl
// 0.207.0 leaves CoreDNS Pending, safe-eksctl sees it and heals it. No AWS account, nothing outside this machine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkLogFile } from '../adapters/eksctl.js';
import type { Clock } from '../core/backoff.js';
import type { Io } from '../io.js';
import { packageFileOnDisk } from '../package-files.js';
import { createCluster } from '../pipelines/create-cluster.js';
import { formatDuration } from '../report.js';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../sim/credentials.js';
import { parseOptions } from './options.js';
import { demoOptionsSchema } from './sim-options.js';

export async function run(options: Record<string, unknown>, io: Io): Promise<number> {
  const { simulator: settings, configFile: given, create: createOptions } = parseOptions(demoOptionsSchema, options);
  // eksctl writes a kubeconfig; in a demo it must never touch the user's ~/.kube/config.
  const scratch = await mkdtemp(join(tmpdir(), 'safe-eksctl-demo-'));
  try {
    const configFile = given ?? (await packageFileOnDisk('examples/bug-report.yaml', scratch));
    const create = { ...createOptions, eksctlArgs: ['-f', configFile] };
    // Before the simulator starts: a log file that is the config (the shipped example, say) would be emptied.
    if (create.logFile !== undefined) checkLogFile(create.logFile, configFile === '-' ? undefined : resolve(io.cwd, configFile), io.cwd);
    const { startSimulator } = await import('../sim/index.js');
    const sim = await startSimulator({ timeScale: settings.timeScale, faults: settings.faults, eksctlVersion: settings.eksctlVersion });
    try {
      // Every wait of the pipeline runs on simulated time, so the defaults (5 s polls, 20 minute deadlines) keep
      // their meaning and the whole run takes seconds.
      const clock: Clock = { now: () => sim.clock.now(), sleep: (ms, signal) => sim.clock.sleep(ms, signal) };
      const env: NodeJS.ProcessEnv = { ...io.env, ...sim.env, KUBECONFIG: join(scratch, 'kubeconfig') };
      delete env['AWS_PROFILE'];
      return await createCluster({ ...create, eksctl: sim.eksctl }, { ...io, env }, {
        clock,
        credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
        eksEndpoint: sim.eksEndpoint,
        stsEndpoint: sim.eksEndpoint,
        simulatedTimeScale: settings.timeScale,
        summaryNote: `Times are simulated (time scale ${settings.timeScale}: one simulated second took ${formatDuration(settings.timeScale * 1_000)} here).`,
      });
    } finally {
      await sim.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
