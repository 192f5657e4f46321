// `safe-eksctl plan -f FILE`: what create would do with this config, judged without touching AWS.
import { eksctlVersion as askEksctlVersion, resolveEksctl } from '../adapters/eksctl.js';
import { loadClusterConfig } from '../core/config.js';
import { buildPlan, planExitCode, type Plan } from '../core/plan.js';
import { UNKNOWN_VERSION } from '../core/version.js';
import type { Io } from '../io.js';
import { parseOptions, planOptionsSchema, type PlanOptions } from './options.js';

export async function run(raw: Record<string, unknown>, io: Io): Promise<number> {
  const options = parseOptions(planOptionsSchema, raw);
  // The config is judged before eksctl is asked: with a bad config, eksctl is never started, not even for `eksctl version`.
  const { config, displayName } = await loadClusterConfig(options.configFile, io);
  const version = await chooseEksctlVersion(options, io);
  const plan = buildPlan(config, version, { configFile: displayName });
  io.stdout.write(options.output === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  return planExitCode(plan);
}

async function chooseEksctlVersion(options: PlanOptions, io: Io): Promise<string | undefined> {
  if (options.eksctlVersion !== undefined) return options.eksctlVersion === UNKNOWN_VERSION ? undefined : options.eksctlVersion;
  let binary: string;
  try {
    binary = resolveEksctl(options.eksctl, io.env, io.cwd);
  } catch {
    // No eksctl is no reason to refuse a plan: judge by the old rules, which the UNKNOWN_EKSCTL finding says.
    return undefined;
  }
  return askEksctlVersion(binary, { env: io.env });
}

const LEVEL_WIDTH = 'warning'.length;

export function formatPlan(plan: Plan): string {
  const { cluster, coredns } = plan;
  const lines = [
    `Plan for cluster "${cluster.name}" in ${cluster.region} (Kubernetes ${coredns.kubernetesVersion}` +
      `${cluster.version === null ? ', eksctl default' : ''}), eksctl ${plan.eksctlVersion}`,
    '',
    'Steps:',
    ...plan.steps.map((step, index) => `  ${index + 1}. ${step}`),
    '',
    coredns.exists
      ? `CoreDNS: ${coredns.capturedBy === null ? 'no Fargate profile captures it' : `profile "${coredns.capturedBy}"`}` +
        `; eksctl handles it: ${coredns.eksctlHandles ? 'yes' : 'no'}; can run: ${coredns.canRun ? 'yes' : coredns.waitsForCompute ? 'not yet' : 'no'}`
      : `CoreDNS: none (${plan.kind.autoMode ? 'Auto Mode runs the cluster DNS' : 'default addons disabled and coredns not listed'})`,
    '',
    `Namespaces the Fargate profiles capture: ${plan.capturedNamespaces.length === 0 ? 'none' : plan.capturedNamespaces.join(', ')}`,
    ...(plan.capturedNamespaces.length === 0
      ? []
      : ['  (pods admitted there before the profiles are ACTIVE stay Pending; --workloads restarts their owners)']),
    '',
    'Findings:',
    ...(plan.findings.length === 0
      ? ['  none']
      : plan.findings.map((f) => `  ${f.level.padEnd(LEVEL_WIDTH)}  ${f.code}: ${f.message}`)),
  ];
  return `${lines.join('\n')}\n`;
}
