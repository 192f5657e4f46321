// Every kind of cluster eksctl makes, end to end against the simulator on virtual time: the simulated eksctl creates
// it (alone, as a user of plain eksctl would), then check and heal look at it; and safe-eksctl's create runs the whole
// pipeline on each kind, against a simulator of its own. Everything runs in this process. Auto Mode, default addons disabled, no compute yet, a private endpoint
// seen from outside its VPC, an Outposts cluster, and eksctl's metrics-server left Pending on a Fargate-only cluster.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, type CheckReport } from '../../src/commands/check.js';
import { heal, parseHealOptions } from '../../src/commands/heal.js';
import type { RunReport } from '../../src/report.js';
import type { Simulator } from '../../src/sim/index.js';
import { simClock, simCredentials, until } from '../helpers/sim.js';
import { runCli, startVirtualSimulator } from '../helpers/in-process.js';
import { captureIo } from '../helpers/io.js';
import { FAST_TIMINGS, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { plainEksctl, scratchEnv } from '../helpers/sim-workloads.js';

const HEAD = (name: string) => `apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${name}\n  region: us-west-2\n  version: "1.31"\n`;
const CONFIGS: Record<string, string> = {
  'k-auto': `${HEAD('k-auto')}autoModeConfig:\n  enabled: true\n`,
  'k-bare': `${HEAD('k-bare')}addonsConfig:\n  disableDefaultAddons: true\naddons:\n  - name: vpc-cni\nfargateProfiles:\n  - name: fp-dns\n    selectors:\n      - namespace: kube-system\n        labels: {k8s-app: kube-dns}\n`,
  'k-later': `${HEAD('k-later')}zonalShiftConfig:\n  enabled: true\n`,
  'k-hybrid': `${HEAD('k-hybrid')}remoteNetworkConfig:\n  iam: {provider: SSM}\n  remoteNodeNetworks:\n    - cidrs: [10.80.0.0/24]\n`,
  'k-private': `${HEAD('k-private')}vpc:\n  clusterEndpoints:\n    publicAccess: false\n    privateAccess: true\nmanagedNodeGroups:\n  - name: ng-1\n`,
  'k-fully-private': `${HEAD('k-fully-private')}privateCluster:\n  enabled: true\nfargateProfiles:\n  - name: fp-system\n    selectors:\n      - namespace: kube-system\n`,
  // eksctl takes this profile for CoreDNS, but Auto Mode creates none: eksctl's own CoreDNS step fails (plan: an error).
  'k-auto-system': `${HEAD('k-auto-system')}autoModeConfig:\n  enabled: true\nfargateProfiles:\n  - name: fp-system\n    selectors:\n      - namespace: kube-system\n`,
  'k-outpost': `${HEAD('k-outpost')}vpc:\n  id: vpc-0a1b2c3d\n  subnets:\n    private:\n      rack-a: {id: subnet-0a1b2c3d}\noutpost:\n  controlPlaneOutpostARN: arn:aws:outposts:us-west-2:000000000000:outpost/op-0abc\n  controlPlaneInstanceType: m5d.large\nnodeGroups:\n  - name: ng-rack\n`,
};

let s: Simulator;
let env: Record<string, string>;
let cleanup: () => void;
let dir: string;
const eksctlRuns: Record<string, { exitCode: number | undefined; stdout: string }> = {};

beforeAll(async () => {
  // Every cluster made at once, on the simulator's virtual clock.
  s = await startVirtualSimulator({ timings: { ...FAST_TIMINGS, autoModeNodeSeconds: 20, clusterUpdateSeconds: 30 } });
  ({ env, cleanup } = scratchEnv(s));
  dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-kinds-'));
  await Promise.all(
    Object.entries(CONFIGS).map(async ([name, text]) => {
      writeFileSync(join(dir, `${name}.yaml`), text);
      // eksctl's own deadline far beyond what the clusters take: only their state decides how eksctl ends.
      const run = await plainEksctl(s, env, ['create', 'cluster', '-f', join(dir, `${name}.yaml`), '--kubeconfig', join(dir, `${name}.kubeconfig`), '--timeout', '2h']);
      eksctlRuns[name] = { exitCode: run.exitCode, stdout: String(run.stdout) };
    }),
  );
}, SCENARIO_TEST_TIMEOUT_MS);

afterAll(async () => {
  await s?.close();
  cleanup?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const deps = () => ({ clock: simClock(s), credentials: simCredentials, eksEndpoint: s.eksEndpoint, stsEndpoint: s.eksEndpoint });

async function checkJson(cluster: string): Promise<{ exitCode: number; report: CheckReport; stderr: string }> {
  const io = captureIo();
  const exitCode = await s.clock.track(() => check({ cluster, region: s.region, output: 'json' }, io, deps()));
  return { exitCode, report: JSON.parse(io.out()) as CheckReport, stderr: io.err() };
}

async function healJson(cluster: string): Promise<{ exitCode: number; report: RunReport; stderr: string }> {
  const io = captureIo();
  // Deadlines far beyond need: only the cluster's state may decide how a heal ends here.
  const options = parseHealOptions({ cluster, region: s.region, output: 'json', fargateTimeout: '2h', corednsTimeout: '2h' });
  const exitCode = await s.clock.track(() => heal(options, io, deps()));
  return { exitCode, report: JSON.parse(io.out()) as RunReport, stderr: io.err() };
}

describe('check and heal on every kind of cluster the simulated eksctl made', () => {
  it('each was created by the simulated eksctl (exit 0), with the addons eksctl 0.230 creates', () => {
    for (const [name, run] of Object.entries(eksctlRuns)) {
      if (name !== 'k-auto-system') expect(run.exitCode, `${name}: ${run.stdout}`).toBe(0);
    }
    // What the plan calls EKSCTL_COREDNS_STEP_FAILS, as eksctl does it: the step finds no coredns Deployment.
    expect(eksctlRuns['k-auto-system']!.exitCode).toBe(1);
    expect(eksctlRuns['k-auto-system']!.stdout).toMatch(/failed to schedule core-dns on fargate: .*deployments\.apps "coredns" not found/);
    expect(s.world.listAddons('k-auto')).toEqual(['metrics-server']);
    expect(s.world.listAddons('k-bare')).toEqual(['vpc-cni']);
    expect(s.world.listAddons('k-later')).toEqual(['vpc-cni', 'kube-proxy', 'coredns', 'metrics-server']);
    expect(eksctlRuns['k-fully-private']!.stdout).toContain('fully private cluster "k-fully-private" has been created');
  });

  it('Auto Mode: DNS is the cluster own, so check passes without CoreDNS and heal has nothing to heal', async () => {
    expect(s.world.describeCluster('k-auto').computeConfig).toMatchObject({ enabled: true, nodePools: ['general-purpose', 'system'] });
    const checked = await checkJson('k-auto');
    expect(checked.exitCode, checked.report.problems.join('\n')).toBe(0);
    expect(checked.report).toMatchObject({ ok: true, autoMode: true, coredns: { found: false }, problems: [] });
    const text = captureIo();
    await s.clock.track(() => check({ cluster: 'k-auto', region: s.region, output: 'text' }, text, deps()));
    expect(text.out()).toContain('CoreDNS: no Deployment; EKS Auto Mode runs the cluster DNS');
    const healed = await healJson('k-auto');
    expect(healed.exitCode, healed.stderr).toBe(0);
    expect(healed.stderr).toContain('Heal CoreDNS: no CoreDNS Deployment: EKS Auto Mode runs the cluster DNS, nothing to heal');
  });

  it('default addons disabled: no CoreDNS is reported as today (check exit 1, heal nothing to heal)', async () => {
    const checked = await checkJson('k-bare');
    expect(checked.exitCode).toBe(1);
    expect(checked.report).toMatchObject({ autoMode: false, coredns: { found: false } });
    expect(checked.report.problems).toContain('no CoreDNS Deployment (kube-system/coredns): nothing resolves names');
    const healed = await healJson('k-bare');
    expect(healed.exitCode, healed.stderr).toBe(0);
    expect(healed.stderr).toContain('Heal CoreDNS: no CoreDNS Deployment, nothing to heal');
  });

  it('no compute yet (compute added later, or hybrid nodes to join): check fails the gate naming the unschedulable pods', async () => {
    expect(s.world.describeCluster('k-hybrid').remoteNetworkConfig).toMatchObject({ remoteNodeNetworks: [{ cidrs: ['10.80.0.0/24'] }] });
    for (const name of ['k-later', 'k-hybrid']) {
      const checked = await checkJson(name);
      expect(checked.exitCode).toBe(1);
      expect(checked.report.coredns?.pods.map((p) => p.state)).toEqual(['unschedulable', 'unschedulable']);
    }
  });

  it('a private endpoint seen from outside its VPC: check and heal say so at once (exit 6), in text and JSON', async () => {
    s.faults.outsideVpc = true;
    try {
      const requestsBefore = s.kubeRequestsByMethod()['GET'] ?? 0;
      const checked = await checkJson('k-private');
      expect(checked.exitCode).toBe(6);
      const line = `cannot reach the Kubernetes API of cluster "k-private" at ${s.kubeServer}: its endpoint is private (endpointPublicAccess: false), reachable only from inside the cluster VPC; run safe-eksctl heal --cluster k-private --region us-west-2 from inside the VPC (or a peered VPC, VPN or Direct Connect)`;
      expect(checked.report).toMatchObject({ ok: false, exitCode: 6, coredns: null, error: line });
      expect(checked.stderr).toBe(`safe-eksctl: ${line}\n`);
      const text = captureIo();
      // In text too the gate answers with its report (what it read, the rest unknown) and the one line on stderr.
      expect(await s.clock.track(() => check({ cluster: 'k-private', region: s.region, output: 'text' }, text, deps()))).toBe(6);
      expect(text.out()).toContain('Cluster "k-private" in us-west-2: NOT healthy (exit 6)');
      expect(text.out()).toContain(`  - ${line}`);
      expect(text.err()).toBe(`safe-eksctl: ${line}\n`);
      const healed = await healJson('k-private');
      expect(healed.exitCode).toBe(6);
      expect(healed.report).toMatchObject({ exitCode: 6, error: line });
      // At once, not after the 10 minutes of --coredns-timeout: the refused connection was not tried again, by
      // either check (JSON, text) or heal: one GET each.
      expect((s.kubeRequestsByMethod()['GET'] ?? 0) - requestsBefore).toBe(3);
      // A fully private cluster is reachable while eksctl runs (its CoreDNS step worked) and private afterwards.
      expect((await checkJson('k-fully-private')).exitCode).toBe(6);
    } finally {
      s.faults.outsideVpc = false;
    }
    // From inside the VPC the same clusters are checked as any other.
    expect((await checkJson('k-fully-private')).exitCode).toBe(0);
  });

  it('Outposts: tokens are signed for the cluster ID, so check and heal get in (no 401)', async () => {
    const { id } = s.world.describeCluster('k-outpost');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const unauthorized = s.kubeUnauthorizedCount();
    // Self-managed nodegroups are not simulated: a managed one gives CoreDNS its EC2 nodes.
    s.world.createNodegroup({ clusterName: 'k-outpost', nodegroupName: 'ng', nodeRole: 'arn:aws:iam::000000000000:role/node', subnets: ['subnet-0a1b2c3d'] });
    await until(s, 'nodegroup ACTIVE', () => s.world.describeNodegroup('k-outpost', 'ng').status === 'ACTIVE');
    const healed = await healJson('k-outpost');
    expect(healed.exitCode, healed.stderr).toBe(0);
    const checked = await checkJson('k-outpost');
    expect(checked.exitCode, checked.report.problems.join('\n')).toBe(0);
    expect(s.kubeUnauthorizedCount()).toBe(unauthorized);
  });
});

describe('create -f on every kind', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  /**
   * The whole create pipeline, against a simulator of its own on virtual time (as `demo -f` runs it, which keeps scaled
   * real time). One at a time: runCli sets the AWS variables of process.env for the length of a run.
   */
  async function demo(name: string, text: string, faults: string[] = []): Promise<{ exitCode: number; report: RunReport }> {
    const file = join(dir, `demo-${name}.yaml`);
    writeFileSync(file, text);
    const sim = await startVirtualSimulator({ eksctlVersion: '0.230.0', faults });
    try {
      const run = await runCli(sim, ['create', '-f', file, '-o', 'json', '--coredns-timeout', '2h', '--fargate-timeout', '2h']);
      return { exitCode: run.exitCode, report: run.report! };
    } finally {
      await sim.close();
    }
  }
  const phases = (r: RunReport) => r.phases.map((p) => `${p.name}: ${p.status}${p.status === 'skipped' ? ` (${p.detail})` : ''}`);

  it('Auto Mode, no compute yet, hybrid nodes: create runs, skips the CoreDNS heal with the reason, exit 0', async () => {
    const auto = await demo('k-auto', CONFIGS['k-auto']!);
    const later = await demo('k-later', CONFIGS['k-later']!);
    const hybrid = await demo('k-hybrid', CONFIGS['k-hybrid']!);
    expect(hybrid.exitCode, hybrid.report.error).toBe(0);
    expect(phases(hybrid.report)).toContain(
      'Heal CoreDNS: skipped (nothing can run CoreDNS yet: it stays Pending until hybrid nodes join; safe-eksctl check --cluster k-hybrid --region us-west-2 is the gate)',
    );
    expect(auto.exitCode, auto.report.error).toBe(0);
    expect(phases(auto.report)).toContain('Heal CoreDNS: skipped (Auto Mode runs the cluster DNS: there is no CoreDNS to heal)');
    expect(later.exitCode, later.report.error).toBe(0);
    expect(phases(later.report)).toContain(
      'Heal CoreDNS: skipped (nothing can run CoreDNS yet: it stays Pending until compute is added; safe-eksctl check --cluster k-later --region us-west-2 is the gate)',
    );
  });

  it('default addons disabled: eksctl creates no CoreDNS, create leaves DNS alone, exit 0', async () => {
    const bare = await demo('k-bare', CONFIGS['k-bare']!);
    expect(bare.exitCode, bare.report.error).toBe(0);
    expect(phases(bare.report)).toContain('Heal CoreDNS: skipped (the config creates no CoreDNS (default addons disabled))');
  });

  it('a private endpoint from outside its VPC: eksctl succeeds, the heal stops at once with exit 6', async () => {
    const run = await demo('k-private', CONFIGS['k-private']!, ['outside-vpc']);
    expect(run.exitCode).toBe(6);
    expect(run.report.phases.find((p) => p.name === 'eksctl create cluster')?.status).toBe('ok');
    expect(run.report.error).toMatch(/^cannot reach the Kubernetes API of cluster "k-private" at https:\/\/127\.0\.0\.1:\d+: its endpoint is private/);
  });

  it("eksctl's metrics-server with no Fargate profile for it: a warning with the reason, still exit 0", async () => {
    const config = `${HEAD('k-dns')}fargateProfiles:\n  - name: fp-default\n    selectors:\n      - namespace: default\n  - name: fp-dns\n    selectors:\n      - namespace: kube-system\n        labels: {k8s-app: kube-dns}\n`;
    const run = await demo('k-dns', config);
    expect(run.exitCode, run.report.error).toBe(0);
    expect(run.report.warnings).toEqual([
      'metrics-server: 2 pods Pending: no ACTIVE Fargate profile matches them (namespace kube-system, labels app.kubernetes.io/name=metrics-server,app.kubernetes.io/instance=metrics-server) and there is no EC2 node; a kube-system selector without labels would take them',
    ]);
    expect(run.report.coredns).toMatchObject({ ready: 2, desired: 2 });
  });
});
