// `safe-eksctl sim`: the simulator in the foreground. One JSON line on stdout says where everything is; it serves
// until SIGINT or SIGTERM, then closes cleanly and exits 0.
import { UsageError } from '../errors.js';
import { onStopSignals } from '../signals.js';
import type { Io } from '../io.js';
import { parseOptions } from './options.js';
import { simOptionsSchema, type SimSettings } from './sim-options.js';

export type { SimSettings } from './sim-options.js';

/** Every flag checked before anything starts, so a bad one is exit 2 with nothing to clean up. */
export function simSettings(options: Record<string, unknown>): SimSettings {
  return parseOptions(simOptionsSchema, options);
}

export async function run(options: Record<string, unknown>, io: Io): Promise<number> {
  const settings = simSettings(options);
  const stop = new AbortController();
  const stopListening = onStopSignals(() => stop.abort());
  try {
    return await serve(settings, io, stop.signal);
  } finally {
    stopListening();
  }
}

/** Starts the simulator, announces it, and serves until `stop` aborts. */
export async function serve(settings: SimSettings, io: Io, stop: AbortSignal): Promise<number> {
  const { startSimulator } = await import('../sim/index.js');
  const sim = await startSimulator({
    timeScale: settings.timeScale,
    faults: settings.faults,
    eksctlVersion: settings.eksctlVersion,
    port: settings.port,
  }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`--port ${settings.port}: already in use`, { cause: error });
    }
    throw error;
  });
  try {
    const { eksEndpoint, kubeServer, caFile, eksctl, region, env } = sim;
    io.stdout.write(`${JSON.stringify({ eksEndpoint, kubeServer, caFile, eksctl, region, env })}\n`);
    io.stderr.write(`safe-eksctl sim: EKS at ${eksEndpoint}, Kubernetes at ${kubeServer}; SIGINT or SIGTERM stops it\n`);
    if (!stop.aborted) await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  } finally {
    await sim.close();
  }
  return 0;
}
