// `safe-eksctl check --cluster NAME`: the read-only gate. Lists every Fargate profile and every CoreDNS pod and says
// why a stuck one is stuck; exit 0 when every profile is ACTIVE and CoreDNS is fully Ready, else 1. It only reads:
// DescribeCluster, ListFargateProfiles, DescribeFargateProfile, and GETs against Kubernetes; for a stuck CoreDNS also
// one server-side dry-run pod create, which persists nothing, to say whether a restart would land on Fargate now.
import type { AwsCredentialIdentity } from '@smithy/types';
import { createEksApi, EksApiError, type EksApi, type FargateProfileState } from '../adapters/eks.js';
import { createEksKubeApi, KubeApiError, kubeApiFromKubeconfig, type DeploymentInfo, type KubeApi } from '../adapters/kube.js';
import { assertReachesCluster, openKubeconfig, type OpenedKubeconfig } from '../adapters/kubeconfig.js';
import { resolveRegion } from '../adapters/region.js';
import { checkAwsAccess } from '../adapters/sts.js';
import { systemClock, type Clock } from '../core/backoff.js';
import { classifyCoreDnsPods, type ClassifiedPod, type PodState } from '../core/pods.js';
import { ExitCode, SafeEksctlError, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { COMPUTE_TYPE_ANNOTATION, COREDNS_DEPLOYMENT, COREDNS_NAMESPACE, COREDNS_SELECTOR, isUsableEc2Node, rolledOut } from '../tasks/heal-coredns.js';
import { restartOutlook, type RestartOutlook } from '../tasks/restart-gate.js';

export interface CheckOptions {
  cluster: string;
  region?: string;
  profile?: string;
  kubeconfig?: string;
  context?: string;
  output: 'text' | 'json';
}

/** What tests swap in: the simulator's clock, credentials and endpoints. */
export interface ClusterDeps {
  clock?: Clock;
  credentials?: AwsCredentialIdentity;
  eksEndpoint?: string;
  stsEndpoint?: string;
}

export interface CheckedPod {
  name: string;
  state: PodState;
  phase: string;
  scheduler: string;
  node: string | null;
  /** The profile that matches the pod now, if any. */
  profile: string | null;
  reason: string;
  /** Conditions that are not True, as `Type=Status (Reason: message)`. */
  conditions: string[];
  latestEvent: { reason: string; message: string } | null;
}

export interface CheckReport {
  ok: boolean;
  exitCode: number;
  cluster: string;
  region: string;
  profiles: { name: string; status: string; selectors: FargateProfileState['selectors']; healthIssues: FargateProfileState['healthIssues'] }[];
  /** null when the check could not look (see `error`). */
  coredns: {
    found: boolean;
    desired: number;
    ready: number;
    updated: number;
    pods: CheckedPod[];
    /** For stuck pods only (else null): whether a restart now would land on Fargate, by the webhook's own answer. */
    restartNow: RestartOutlook | null;
  } | null;
  /** Why the check failed, one line each; empty when ok. */
  problems: string[];
  /** What could not be read, when the check could not look at all (exit 1: the gate fails closed). */
  error?: string;
}

export async function run(options: Record<string, unknown>, io: Io): Promise<number> {
  return check(parseCheckOptions(options), io);
}

export function parseCheckOptions(options: Record<string, unknown>): CheckOptions {
  const text = (key: string) => (typeof options[key] === 'string' && options[key] !== '' ? (options[key] as string) : undefined);
  const cluster = text('cluster');
  if (!cluster) throw new UsageError('--cluster NAME is required');
  return {
    cluster,
    output: options['output'] === 'json' ? 'json' : 'text',
    ...optional('region', text('region')),
    ...optional('profile', text('profile')),
    ...optional('kubeconfig', text('kubeconfig')),
    ...optional('context', text('context')),
  };
}

export function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** --region, else AWS_REGION of the command's environment, else the AWS profile's region; exit 2 when none. */
export async function regionFor(options: { region?: string; profile?: string }, io: Io): Promise<string> {
  return options.region ?? (io.env['AWS_REGION'] || undefined) ?? (await resolveRegion(options.profile ? { profile: options.profile } : {}));
}

export async function check(options: CheckOptions, io: Io, deps: ClusterDeps = {}): Promise<number> {
  // A bad --kubeconfig or --context ends here, before any AWS call.
  const kubeconfig = openSelectedKubeconfig(options, io);
  const region = await regionFor(options, io);
  const clock = deps.clock ?? systemClock;
  const access = await checkAwsAccess({
    region,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
    ...(deps.stsEndpoint ? { endpoint: deps.stsEndpoint } : {}),
  });
  const eks = createEksApi({ region, credentials: access.credentials, ...(deps.eksEndpoint ? { endpoint: deps.eksEndpoint } : {}) });
  let report: CheckReport;
  try {
    report = await inspect(eks, options, region, clock, access.credentials, kubeconfig);
  } catch (error) {
    // With -o json a gate that cannot look still answers with one document, so whatever parses it fails closed too.
    if (options.output !== 'json' || !(error instanceof SafeEksctlError) || error.exitCode !== ExitCode.unhealthy) throw error;
    io.stdout.write(`${JSON.stringify(couldNotLook(options.cluster, region, error.message), null, 2)}\n`);
    io.stderr.write(`safe-eksctl: ${error.message}\n`);
    return error.exitCode;
  }
  io.stdout.write(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatCheck(report));
  return report.exitCode;
}

/** The kubeconfig --kubeconfig / --context select, loaded and checked; undefined when neither is given. */
export function openSelectedKubeconfig(options: { kubeconfig?: string | undefined; context?: string | undefined }, io: Pick<Io, 'env' | 'cwd'>): OpenedKubeconfig | undefined {
  if (!options.kubeconfig && !options.context) return undefined;
  return openKubeconfig({ ...optional('kubeconfig', options.kubeconfig), ...optional('context', options.context) }, io.env, io.cwd);
}

async function inspect(
  eks: EksApi,
  options: CheckOptions,
  region: string,
  clock: Clock,
  credentials: Parameters<typeof createEksKubeApi>[0]['credentials'],
  kubeconfig: OpenedKubeconfig | undefined,
): Promise<CheckReport> {
  const name = options.cluster;
  const cluster = await eks.describeCluster(name).catch((error: unknown) => {
    if (error instanceof EksApiError && error.kind === 'notFound') throw new UsageError(`no cluster "${name}" in ${region}`, { cause: error });
    throw cannot(`read cluster "${name}"`, error);
  });
  const profiles = await eks
    .listFargateProfiles(name)
    .then((names) => Promise.all(names.map((p) => eks.describeFargateProfile(name, p))))
    .catch((error: unknown) => {
      throw cannot(`read the Fargate profiles of "${name}"`, error);
    });
  // A kubeconfig whose context reaches another cluster would pass (or fail) the gate on that cluster's pods.
  if (kubeconfig) assertReachesCluster(kubeconfig, name, cluster.endpoint);
  const kube: KubeApi = kubeconfig
    ? kubeApiFromKubeconfig(kubeconfig.kc)
    : createEksKubeApi({ clusterName: name, region, endpoint: cluster.endpoint, caData: cluster.caData, credentials });
  const active = profiles.filter((p) => p.status === 'ACTIVE');
  let deployment: DeploymentInfo | undefined;
  let pods: CheckedPod[] = [];
  let restartNow: RestartOutlook | null = null;
  try {
    deployment = await kube.getDeployment(COREDNS_NAMESPACE, COREDNS_DEPLOYMENT);
    const nodes = await kube.listNodes();
    const classified = classifyCoreDnsPods(await kube.listPods(COREDNS_NAMESPACE, COREDNS_SELECTOR), {
      profiles: active,
      now: clock.now(),
      ec2NodesAvailable: nodes.some(isUsableEc2Node),
    });
    pods = await Promise.all(classified.map((c) => checkedPod(kube, c)));
    const stuck = classified.find((c) => c.state === 'stuck');
    if (deployment && stuck) {
      const removeAnnotations = deployment.templateAnnotations[COMPUTE_TYPE_ANNOTATION] === 'ec2' ? [COMPUTE_TYPE_ANNOTATION] : [];
      const target = { namespace: COREDNS_NAMESPACE, ownerName: COREDNS_DEPLOYMENT, template: deployment.template, examplePod: stuck.pod };
      restartNow = await restartOutlook(kube, target, { at: new Date(clock.now()), removeAnnotations }, stuck.profile);
    }
  } catch (error) {
    throw cannot(`read CoreDNS in "${name}"`, error);
  }

  const problems: string[] = [];
  for (const p of profiles) {
    if (p.status !== 'ACTIVE') problems.push(`Fargate profile ${p.name} is ${p.status}${p.healthIssues.map((i) => `; ${i.code}: ${i.message}`).join('')}`);
  }
  if (!deployment) problems.push(`no CoreDNS Deployment (${COREDNS_NAMESPACE}/${COREDNS_DEPLOYMENT}): nothing resolves names`);
  else {
    const live = pods.filter((p) => p.state !== 'terminating');
    for (const p of live) if (p.state !== 'healthy') problems.push(`CoreDNS pod ${p.name} is ${p.state}: ${p.reason}`);
    if (deployment.desired === 0) problems.push('CoreDNS is scaled to 0 replicas');
    else if (!rolledOut(deployment) || deployment.ready < deployment.desired) {
      problems.push(`CoreDNS is ${deployment.ready}/${deployment.desired} ready${rolledOut(deployment) ? '' : ', its rollout is not finished'}`);
    }
  }
  const exitCode = problems.length === 0 ? ExitCode.ok : ExitCode.unhealthy;
  return {
    ok: exitCode === ExitCode.ok,
    exitCode,
    cluster: name,
    region,
    profiles: profiles.map(({ name: n, status, selectors, healthIssues }) => ({ name: n, status, selectors, healthIssues })),
    coredns: { found: deployment !== undefined, desired: deployment?.desired ?? 0, ready: deployment?.ready ?? 0, updated: deployment?.updated ?? 0, pods, restartNow },
    problems,
  };
}

async function checkedPod(kube: KubeApi, c: ClassifiedPod): Promise<CheckedPod> {
  const { pod } = c;
  const latest = c.state === 'healthy' || c.state === 'terminating' ? undefined : (await kube.listEvents(pod.namespace, pod.name)).at(-1);
  return {
    name: pod.name,
    state: c.state,
    phase: pod.phase,
    scheduler: pod.schedulerName,
    node: pod.nodeName ?? null,
    profile: c.profile ?? null,
    reason: c.reason,
    conditions: pod.conditions
      .filter((k) => k.status !== 'True')
      .map((k) => `${k.type}=${k.status}${k.reason || k.message ? ` (${[k.reason, k.message].filter(Boolean).join(': ')})` : ''}`),
    latestEvent: latest ? { reason: latest.reason, message: latest.message } : null,
  };
}

function couldNotLook(cluster: string, region: string, error: string): CheckReport {
  return { ok: false, exitCode: ExitCode.unhealthy, cluster, region, profiles: [], coredns: null, problems: [error], error };
}

/** A check that cannot look fails the gate (exit 1), with what it could not read. */
function cannot(what: string, error: unknown): SafeEksctlError {
  if (error instanceof SafeEksctlError) return error;
  const message = error instanceof EksApiError || error instanceof KubeApiError || error instanceof Error ? error.message : String(error);
  return new SafeEksctlError(`cannot ${what}: ${message}`, ExitCode.unhealthy, { cause: error });
}

export function formatCheck(report: CheckReport): string {
  const lines = [`Cluster "${report.cluster}" in ${report.region}: ${report.ok ? 'healthy' : `NOT healthy (exit ${report.exitCode})`}`];
  lines.push(report.profiles.length === 0 ? 'Fargate profiles: none' : 'Fargate profiles:');
  for (const p of report.profiles) {
    const selectors = p.selectors.map((s) => `${s.namespace}${s.labels ? ` ${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',')}` : ''}`).join('; ');
    lines.push(`  ${p.name.padEnd(28)} ${p.status.padEnd(13)} ${selectors}`);
  }
  const c = report.coredns;
  lines.push(!c ? 'CoreDNS: not read' : c.found ? `CoreDNS: ${c.ready}/${c.desired} ready` : 'CoreDNS: no Deployment');
  for (const p of c?.pods ?? []) {
    lines.push(`  ${p.name.padEnd(28)} ${p.state.padEnd(13)} ${p.phase} on ${p.scheduler}${p.node ? `, node ${p.node}` : ''}`);
    if (p.state === 'healthy') continue;
    lines.push(`    why: ${p.reason}`);
    for (const k of p.conditions) lines.push(`    condition: ${k}`);
    if (p.latestEvent) lines.push(`    latest event: ${p.latestEvent.reason}: ${p.latestEvent.message}`);
  }
  if (report.problems.length > 0) {
    lines.push('Problems:');
    for (const p of report.problems) lines.push(`  - ${p}`);
    if (c?.restartNow) lines.push(`Restart now: ${c.restartNow.detail}`);
    if (c?.pods.some((p) => p.state === 'stuck')) lines.push(`Run: safe-eksctl heal --cluster ${report.cluster} --region ${report.region}`);
  }
  return `${lines.join('\n')}\n`;
}
