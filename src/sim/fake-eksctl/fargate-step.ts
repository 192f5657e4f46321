// The Fargate step of `eksctl create cluster` and `eksctl create fargateprofile`: the profiles one at a time, then
// the CoreDNS step when eksctl's selector rule holds (ScheduleCoreDNSOnFargateIfRelevant, pkg/eks/fargate.go).
import type { ClusterConfig } from './config.js';
import type { ClusterRun } from './context.js';
import { createFargateProfiles } from './fargate.js';
import type { CallerIdentity } from './identity.js';
import { isCoreDnsSchedulableOnFargate } from './selectors.js';

/**
 * The Kubernetes client takes over a second to load: start loading it while the control plane comes up, so the
 * fake's timing is the simulated one and not Node's module loading.
 */
let kubeSide: Promise<[typeof import('./kube.js'), typeof import('./coredns.js')]> | undefined;
export function loadKubeSide() {
  kubeSide ??= Promise.all([import('./kube.js'), import('./coredns.js')]);
  return kubeSide;
}

/** eksctl sleeps this long after the profiles, because the Fargate webhook lags behind ACTIVE. */
export const FARGATE_WEBHOOK_GRACE_MS = 30_000;

/**
 * The Fargate step of the two commands that make profiles, which differ in the grace sleep and in how they word a
 * failure of each part (undefined: the error as it is):
 *   create cluster (pkg/eks/fargate.go, fargateProfilesTask.Do): profiles, a 30 s sleep for the webhook, then
 *     "failed to get ClientSet: …" and "failed to schedule core-dns on fargate: …";
 *   create fargateprofile (pkg/actions/fargate/create.go, Manager.Create): "could not create fargate profiles: …",
 *     no sleep at all, "couldn't create kubernetes client: …", and the CoreDNS step's own error.
 */
export interface FargateStep {
  graceSleep: boolean;
  profilesFailed?: string;
  clientSetFailed: string;
  coreDnsFailed?: string;
}

export const CREATE_CLUSTER_FARGATE: FargateStep = {
  graceSleep: true,
  clientSetFailed: 'failed to get ClientSet',
  coreDnsFailed: 'failed to schedule core-dns on fargate',
};

export const CREATE_FARGATEPROFILE_FARGATE: FargateStep = {
  graceSleep: false,
  profilesFailed: 'could not create fargate profiles',
  clientSetFailed: "couldn't create kubernetes client",
};

/** Profiles, (30 s), then the CoreDNS step if relevant: ScheduleCoreDNSOnFargateIfRelevant (pkg/eks/fargate.go). */
export async function createFargateAndCoreDns(ctx: ClusterRun, cfg: ClusterConfig, identity: CallerIdentity, timeoutMs: number, step: FargateStep): Promise<void> {
  const wait = { timeoutMs, sleep: ctx.sleep, signal: ctx.signal };
  await worded(step.profilesFailed, () =>
    createFargateProfiles(
      {
        eks: ctx.eks,
        log: ctx.log,
        clusterName: cfg.name,
        region: cfg.region,
        defaultPodExecutionRoleArn:
          cfg.fargatePodExecutionRoleARN ?? `arn:aws:iam::${identity.account}:role/eksctl-${cfg.name}-cluster-FargatePodExecutionRole`,
        wait,
      },
      cfg.fargateProfiles,
    ),
  );
  if (step.graceSleep) await ctx.sleep(FARGATE_WEBHOOK_GRACE_MS, ctx.signal);
  const [{ KubeAccess }, { scheduleCoreDnsOnFargate }] = await loadKubeSide();
  const kube = await worded(step.clientSetFailed, () => KubeAccess.connect(ctx.eks, cfg.name, cfg.region, ctx.clock));
  if (!isCoreDnsSchedulableOnFargate(cfg.fargateProfiles, ctx.settings.eksctlVersion)) return;
  await worded(step.coreDnsFailed, () => scheduleCoreDnsOnFargate(kube, ctx.log, wait));
}

/** Go's fmt.Errorf("WORDS: %w", err) around what `run` throws. */
async function worded<T>(words: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (words === undefined) throw error;
    throw new Error(`${words}: ${(error as Error).message}`);
  }
}
