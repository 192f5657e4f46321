// Options every pipeline command (create, create fargateprofile, heal, demo) reads the same way.
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../errors.js';
import type { OutputFormat } from '../tasks/renderer.js';

export interface PipelineOptions {
  output: OutputFormat;
  verbose: boolean;
  pollIntervalMs: number;
  fargateTimeoutMs: number;
  corednsTimeoutMs: number;
  workloadsTimeoutMs: number;
  workloads: boolean;
  deleteStrandedPods: boolean;
  kubeconfig?: string;
  context?: string;
}

export function parsePipelineOptions(options: Record<string, unknown>): PipelineOptions {
  const pollSeconds = Number(options['pollInterval'] ?? '5');
  if (!Number.isFinite(pollSeconds) || pollSeconds <= 0) {
    throw new UsageError(`--poll-interval ${String(options['pollInterval'])}: must be a number of seconds above zero`);
  }
  // Without --workloads no stranded pod is looked for, so the flag would quietly do nothing.
  if (options['deleteStrandedPods'] === true && options['workloads'] !== true) {
    throw new UsageError('--delete-stranded-pods needs --workloads: only the stranded workloads it finds are deleted');
  }
  const kubeconfig = options['kubeconfig'];
  const context = options['context'];
  return {
    output: options['output'] === 'json' ? 'json' : 'text',
    // --more-lines; heal and demo, which are not eksctl's, still take their old --verbose.
    verbose: options['moreLines'] === true || options['verbose'] === true,
    pollIntervalMs: Math.round(pollSeconds * 1_000),
    fargateTimeoutMs: parseDuration(String(options['fargateTimeout'] ?? '20m'), '--fargate-timeout'),
    corednsTimeoutMs: parseDuration(String(options['corednsTimeout'] ?? '10m'), '--coredns-timeout'),
    // Longer than CoreDNS's: an OrderedReady StatefulSet replaces its pods one at a time, each a Fargate start.
    workloadsTimeoutMs: parseDuration(String(options['workloadsTimeout'] ?? '20m'), '--workloads-timeout'),
    workloads: options['workloads'] === true,
    deleteStrandedPods: options['deleteStrandedPods'] === true,
    ...(typeof kubeconfig === 'string' ? { kubeconfig } : {}),
    ...(typeof context === 'string' ? { context } : {}),
  };
}

/** A string option as `{ key: value }`, or `{}` when absent, for exactOptionalPropertyTypes-friendly spreading. */
export function optionalText<K extends string>(options: Record<string, unknown>, key: K): { [P in K]?: string } {
  const value = options[key];
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string };
}
