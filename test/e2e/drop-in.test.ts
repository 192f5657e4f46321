// `alias eksctl=safe-eksctl`: eksctl's own `create cluster` and `create fargateprofile` command lines, run through
// safe-eksctl (in process) against one shared simulator on virtual time, with a recording wrapper around the simulated
// eksctl (in process too; a spawned recording eksctl for the runs whose output only a process of its own shows). For
// each: the exact argv eksctl received (every call, in order: the dry-run that tells safe-eksctl what eksctl will
// create, `version`, the real run), safe-eksctl's exit code, and the cluster as the simulator holds it afterwards
// (CoreDNS Ready, and restarted by safe-eksctl exactly when eksctl left it stuck; nothing at all after a dry-run).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { EksctlRunner } from '../../src/adapters/eksctl.js';
import { main } from '../../src/cli.js';
import { inProcessEksctl } from '../../src/sim/fake-eksctl/in-process.js';
import { type Simulator } from '../../src/sim/index.js';
import type { Deployment, Pod } from '../../src/sim/kube/types.js';
import { createSimCluster, until } from '../helpers/sim.js';
import { assertBuilt, nodeOnlyPath, RECORDING_EKSCTL, recorded, removeTempDirs, runBin } from '../helpers/bin.js';
import { simDeps, startVirtualSimulator } from '../helpers/in-process.js';
import { captureIo } from '../helpers/io.js';
import { FAST_TIMINGS } from '../helpers/scenario.js';

type CoreDnsEnd = 'moved by eksctl' | 'healed' | 'on EC2' | 'pending';

interface Case {
  /** safe-eksctl's words; `$F` is the case's config file (see `config`). */
  argv: string[];
  /** The cluster the case makes or works on (also the config's metadata.name); `generated` for eksctl's own name. */
  cluster: string;
  config?: { profiles: string[]; nodegroup?: boolean };
  eksctlVersion?: string;
  /** Every argv eksctl got, in order; `$F` as above, `$NAME` the name eksctl's dry-run made up. */
  calls: string[][];
  exitCode: number;
  /** The cluster afterwards; `created: false` for runs that must create nothing. */
  end: { created: false } | { profiles: string[]; nodegroups: number; coredns: CoreDnsEnd };
  /** More about stdout / stderr. */
  output?: (out: string, err: string) => void;
  /** eksctl runs with our own stdio (--dry-run, --help): only a process of its own shows what it printed. */
  bin?: true;
}

const PROFILES: Record<string, string> = {
  'fp-dns': '{ name: fp-dns, selectors: [{ namespace: kube-system, labels: { k8s-app: kube-dns } }] }',
  'fp-system': '{ name: fp-system, selectors: [{ namespace: kube-system }] }',
  'fp-component': '{ name: fp-component, selectors: [{ namespace: kube-system, labels: { eks.amazonaws.com/component: coredns } }] }',
  'fp-apps': '{ name: fp-apps, selectors: [{ namespace: apps }] }',
};

const V = '0.230.0';
const dryRunOf = (...words: string[]) => ['create', 'cluster', ...words, '--dry-run'];

// eksctl's words for these runs; safe-eksctl's own (--poll-interval, -o, --more-lines, …) must never reach it.
const CASES: [string, Case][] = [
  ['flag form: --name --fargate', {
    argv: ['create', 'cluster', '--name', 'fl-fargate', '--fargate', '--poll-interval', '1'],
    cluster: 'fl-fargate',
    calls: [dryRunOf('--name', 'fl-fargate', '--fargate'), ['version'], ['create', 'cluster', '--name', 'fl-fargate', '--fargate']],
    exitCode: 0,
    end: { profiles: ['fp-default'], nodegroups: 0, coredns: 'moved by eksctl' },
  }],
  ['flag form: no flags at all (a generated name and one nodegroup)', {
    argv: ['create', 'cluster'],
    cluster: 'generated',
    calls: [dryRunOf(), ['version'], ['create', 'cluster', '--name', '$NAME']],
    exitCode: 0,
    end: { profiles: [], nodegroups: 1, coredns: 'on EC2' },
  }],
  ['flag form: --nodes, -t, --region, --version, -o json', {
    argv: ['create', 'cluster', '-n', 'fl-nodes', '--nodes', '1', '-t', 't3.medium', '--region', 'us-west-2', '--version', '1.31', '-o', 'json'],
    cluster: 'fl-nodes',
    calls: [
      dryRunOf('-n', 'fl-nodes', '--nodes', '1', '-t', 't3.medium', '--region', 'us-west-2', '--version', '1.31'),
      ['version'],
      ['create', 'cluster', '-n', 'fl-nodes', '--nodes', '1', '-t', 't3.medium', '--region', 'us-west-2', '--version', '1.31'],
    ],
    exitCode: 0,
    end: { profiles: [], nodegroups: 1, coredns: 'on EC2' },
    output: (out) => expect(JSON.parse(out)).toMatchObject({ ok: true, cluster: 'fl-nodes' }),
  }],
  ['flag form: the name as an argument, --fargate --without-nodegroup', {
    argv: ['create', 'cluster', 'fl-arg', '--fargate', '--without-nodegroup'],
    cluster: 'fl-arg',
    calls: [dryRunOf('fl-arg', '--fargate', '--without-nodegroup'), ['version'], ['create', 'cluster', 'fl-arg', '--fargate', '--without-nodegroup']],
    exitCode: 0,
    end: { profiles: ['fp-default'], nodegroups: 0, coredns: 'moved by eksctl' },
  }],
  ['flag form: --verbose 4 is eksctl\'s (a number), --more-lines ours', {
    argv: ['create', 'cluster', '--name', 'fl-verbose', '--fargate', '--verbose', '4', '--more-lines'],
    cluster: 'fl-verbose',
    calls: [dryRunOf('--name', 'fl-verbose', '--fargate', '--verbose', '4'), ['version'], ['create', 'cluster', '--name', 'fl-verbose', '--fargate', '--verbose', '4']],
    exitCode: 0,
    end: { profiles: ['fp-default'], nodegroups: 0, coredns: 'moved by eksctl' },
    output: (out) => expect(out).toMatch(/\[▶\] {2}/),
  }],
  ['flag form: --timeout and --write-kubeconfig=false are left out of the dry-run only', {
    argv: ['create', 'cluster', '--name', 'fl-timeout', '--fargate', '--timeout', '40m', '--write-kubeconfig=false', '-C', 'false'],
    cluster: 'fl-timeout',
    calls: [
      dryRunOf('--name', 'fl-timeout', '--fargate', '-C', 'false'),
      ['version'],
      ['create', 'cluster', '--name', 'fl-timeout', '--fargate', '--timeout', '40m', '--write-kubeconfig=false', '-C', 'false'],
    ],
    exitCode: 0,
    end: { profiles: ['fp-default'], nodegroups: 0, coredns: 'moved by eksctl' },
  }],
  ['-f with a nodegroup: CoreDNS runs on EC2, nothing to ask eksctl', {
    // No profile for kube-system: with one, safe-eksctl would move CoreDNS to Fargate if eksctl's nodegroup took over
    // 15 real seconds, and this end state would depend on the machine's speed.
    argv: ['create', 'cluster', '-f', '$F', '--poll-interval', '1'],
    cluster: 'f-nodegroup',
    config: { profiles: ['fp-apps'], nodegroup: true },
    calls: [['version'], ['create', 'cluster', '-f', '$F']],
    exitCode: 0,
    end: { profiles: ['fp-apps'], nodegroups: 1, coredns: 'on EC2' },
    output: (out) => expect(out).toContain('info: no Fargate profile matches the CoreDNS pods: CoreDNS runs on the nodegroup'),
  }],
  ['-f --without-nodegroup: the plan sees no nodegroup, CoreDNS is healed onto Fargate', {
    argv: ['create', '-f', '$F', '--without-nodegroup', '--poll-interval', '1', '-o', 'json'],
    cluster: 'f-without',
    config: { profiles: ['fp-dns'], nodegroup: true },
    calls: [dryRunOf('-f', '$F', '--without-nodegroup'), ['version'], ['create', 'cluster', '-f', '$F', '--without-nodegroup']],
    exitCode: 0,
    end: { profiles: ['fp-dns'], nodegroups: 0, coredns: 'healed' },
    output: (out, err) => {
      expect(JSON.parse(out)).toMatchObject({ ok: true, coredns: { restarts: 1, ready: 2 } });
      // The plan saw the cluster eksctl makes: no nodegroup, so the profile strands CoreDNS.
      expect(err).toContain('warning: profile "fp-dns" captures CoreDNS but eksctl does not recognise its selector');
      expect(err).not.toContain("nodegroup's EC2 nodes");
    },
  }],
  ['-f -- --without-nodegroup (the words after -- are eksctl\'s; the -- is not handed on)', {
    argv: ['create', '-f', '$F', '--poll-interval', '1', '--', '--without-nodegroup'],
    cluster: 'f-dashdash',
    config: { profiles: ['fp-dns'], nodegroup: true },
    calls: [dryRunOf('-f', '$F', '--without-nodegroup'), ['version'], ['create', 'cluster', '-f', '$F', '--without-nodegroup']],
    exitCode: 0,
    end: { profiles: ['fp-dns'], nodegroups: 0, coredns: 'healed' },
    output: (out) => {
      expect(out).toContain('warning: profile "fp-dns" captures CoreDNS but eksctl does not recognise its selector');
      expect(out).not.toContain("nodegroup's EC2 nodes");
    },
  }],
  ['-f, a selector eksctl never recognises: healed', {
    argv: ['create', 'cluster', '-f', '$F', '--poll-interval', '1', '--coredns-timeout', '5m'],
    cluster: 'f-kube-dns',
    config: { profiles: ['fp-apps', 'fp-dns'] },
    calls: [['version'], ['create', 'cluster', '-f', '$F']],
    exitCode: 0,
    end: { profiles: ['fp-apps', 'fp-dns'], nodegroups: 0, coredns: 'healed' },
  }],
  ['-f, the component label with eksctl 0.207.0: healed', {
    argv: ['create', '-f', '$F', '--poll-interval', '1'],
    cluster: 'f-old',
    config: { profiles: ['fp-component'] },
    eksctlVersion: '0.207.0',
    calls: [['version'], ['create', 'cluster', '-f', '$F']],
    exitCode: 0,
    end: { profiles: ['fp-component'], nodegroups: 0, coredns: 'healed' },
  }],
  ['-f, the component label with eksctl 0.230.0: eksctl moves it itself', {
    argv: ['create', '-f', '$F', '-v', '0'],
    cluster: 'f-component',
    config: { profiles: ['fp-component'] },
    calls: [['version'], ['create', 'cluster', '-f', '$F', '-v', '0']],
    exitCode: 0,
    end: { profiles: ['fp-component'], nodegroups: 0, coredns: 'moved by eksctl' },
  }],
  ['-f with flags that change nothing eksctl creates', {
    argv: ['create', 'cluster', '-f', '$F', '--write-kubeconfig=false', '--set-kubeconfig-context=false', '-C', 'false', '--cfn-disable-rollback', '--timeout', '30m', '-d'],
    cluster: 'f-nothing',
    config: { profiles: ['fp-system'] },
    calls: [['version'], ['create', 'cluster', '-f', '$F', '--write-kubeconfig=false', '--set-kubeconfig-context=false', '-C', 'false', '--cfn-disable-rollback', '--timeout', '30m', '-d']],
    exitCode: 0,
    end: { profiles: ['fp-system'], nodegroups: 0, coredns: 'moved by eksctl' },
  }],
  ['-f --auto-kubeconfig --install-nvidia-plugin --kubeconfig-less heal', {
    argv: ['create', 'cluster', '-f', '$F', '--auto-kubeconfig', '--install-nvidia-plugin', '--nodegroup-parallelism', '2'],
    cluster: 'f-auto',
    config: { profiles: ['fp-system'] },
    calls: [['version'], ['create', 'cluster', '-f', '$F', '--auto-kubeconfig', '--install-nvidia-plugin', '--nodegroup-parallelism', '2']],
    exitCode: 0,
    end: { profiles: ['fp-system'], nodegroups: 0, coredns: 'moved by eksctl' },
  }],
  ['-f - (stdin) with --without-nodegroup: the dry-run and eksctl both read the config on stdin', {
    argv: ['create', 'cluster', '-f', '-', '--without-nodegroup', '--poll-interval', '1'],
    cluster: 'f-stdin',
    config: { profiles: ['fp-dns'], nodegroup: true },
    calls: [dryRunOf('-f', '-', '--without-nodegroup'), ['version'], ['create', 'cluster', '-f', '-', '--without-nodegroup']],
    exitCode: 0,
    end: { profiles: ['fp-dns'], nodegroups: 0, coredns: 'healed' },
  }],
  ['--dry-run (flag form) is eksctl\'s: its YAML, exit 0, nothing created', {
    bin: true,
    argv: ['create', 'cluster', '--name', 'dry-flags', '--fargate', '--dry-run'],
    cluster: 'dry-flags',
    calls: [['create', 'cluster', '--name', 'dry-flags', '--fargate', '--dry-run']],
    exitCode: 0,
    end: { created: false },
    output: (out, err) => {
      expect(parse(out)).toMatchObject({ metadata: { name: 'dry-flags' }, fargateProfiles: [{ name: 'fp-default' }] });
      expect(err).toBe('');
    },
  }],
  ['--dry-run with -f, and safe-eksctl\'s own options left out', {
    bin: true,
    argv: ['create', 'cluster', '-f', '$F', '--dry-run', '--more-lines', '--poll-interval', '2'],
    cluster: 'dry-file',
    config: { profiles: ['fp-dns'] },
    calls: [['create', 'cluster', '-f', '$F', '--dry-run']],
    exitCode: 0,
    end: { created: false },
    output: (out) => expect(parse(out)).toMatchObject({ metadata: { name: 'dry-file' }, fargateProfiles: [{ name: 'fp-dns' }] }),
  }],
  ['--dry-run eksctl refuses (with --profile): eksctl\'s message and exit code', {
    bin: true,
    argv: ['create', 'cluster', '--dry-run', '--profile', 'team'],
    cluster: 'dry-refused',
    calls: [['create', 'cluster', '--dry-run', '--profile', 'team']],
    exitCode: 1,
    end: { created: false },
    output: (out, err) => expect({ out, err }).toEqual({ out: '', err: 'Error: cannot use --profile with --dry-run as this option cannot be represented in ClusterConfig: set the AWS_PROFILE environment variable instead\n' }),
  }],
  ['--help is eksctl\'s, followed by safe-eksctl\'s own options on stderr', {
    bin: true,
    argv: ['create', 'cluster', '--help', '--name', 'help-me'],
    cluster: 'help-me',
    calls: [['create', 'cluster', '--help', '--name', 'help-me']],
    exitCode: 0,
    end: { created: false },
    output: (out, err) => {
      expect(out).toMatch(/^Create a cluster/);
      expect(err).toMatch(/^\nsafe-eksctl's own options for create cluster/);
    },
  }],
  ['-f with --region: eksctl refuses it in the dry-run, nothing starts', {
    argv: ['create', '-f', '$F', '--region', 'eu-west-1'],
    cluster: 'refused-region',
    config: { profiles: ['fp-dns'] },
    calls: [dryRunOf('-f', '$F', '--region', 'eu-west-1')],
    exitCode: 1,
    end: { created: false },
    output: (out, err) => expect({ out, err }).toEqual({ out: '', err: 'Error: cannot use --region when --config-file/-f is set\n' }),
  }],
  ['-f with --include: eksctl 0.230.0 create cluster has no such flag', {
    argv: ['create', 'cluster', '-f', '$F', '--include', 'ng-*'],
    cluster: 'refused-include',
    config: { profiles: ['fp-dns'], nodegroup: true },
    calls: [dryRunOf('-f', '$F', '--include', 'ng-*')],
    exitCode: 1,
    end: { created: false },
    output: (_out, err) => expect(err).toBe('Error: unknown flag: --include\n'),
  }],
  ['flag form with a bad bool: eksctl\'s pflag error', {
    argv: ['create', 'cluster', '--name', 'refused-bool', '--fargate=maybe'],
    cluster: 'refused-bool',
    calls: [dryRunOf('--name', 'refused-bool', '--fargate=maybe')],
    exitCode: 1,
    end: { created: false },
  }],
  ['create fargateprofile, flag form, a label eksctl does not recognise: healed', {
    argv: ['create', 'fargateprofile', '--cluster', 'fp-flags', '--name', 'fp-dns', '--namespace', 'kube-system', '--labels', 'k8s-app=kube-dns', '--poll-interval', '1', '-o', 'json'],
    cluster: 'fp-flags',
    calls: [['version'], ['create', 'fargateprofile', '--cluster', 'fp-flags', '--name', 'fp-dns', '--namespace', 'kube-system', '--labels', 'k8s-app=kube-dns']],
    exitCode: 0,
    end: { profiles: ['fp-dns'], nodegroups: 0, coredns: 'healed' },
    output: (out) => expect(JSON.parse(out)).toMatchObject({ ok: true, profiles: [{ name: 'fp-dns', status: 'ACTIVE' }], coredns: { restarts: 1 } }),
  }],
  ['create fargateprofile, flag form without a name (eksctl makes one up), kube-system: eksctl moves CoreDNS', {
    argv: ['create', 'fargateprofile', '-c', 'fp-unnamed', '--namespace', 'kube-system', '--poll-interval', '1'],
    cluster: 'fp-unnamed',
    calls: [['version'], ['create', 'fargateprofile', '-c', 'fp-unnamed', '--namespace', 'kube-system']],
    exitCode: 0,
    end: { profiles: ['$GENERATED_PROFILE'], nodegroups: 0, coredns: 'moved by eksctl' },
  }],
  ['create fargateprofile, flag form, the name as an argument, a profile CoreDNS cannot use: exit 4, nothing restarted', {
    argv: ['create', 'fargateprofile', 'fp-web', '--cluster', 'fp-arg', '--namespace', 'default', '--tags', 'team=web', '--coredns-timeout', '1s'],
    cluster: 'fp-arg',
    calls: [['version'], ['create', 'fargateprofile', 'fp-web', '--cluster', 'fp-arg', '--namespace', 'default', '--tags', 'team=web']],
    exitCode: 4,
    end: { profiles: ['fp-web'], nodegroups: 0, coredns: 'pending' },
  }],
  ['create fargateprofile -f FILE --name P: eksctl gets a config holding P alone, on stdin', {
    argv: ['create', 'fargateprofile', '-f', '$F', '--name', 'fp-dns', '--poll-interval', '1'],
    cluster: 'fp-file-one',
    config: { profiles: ['fp-apps', 'fp-dns'] },
    calls: [['version'], ['create', 'fargateprofile', '-f', '-']],
    exitCode: 0,
    end: { profiles: ['fp-dns'], nodegroups: 0, coredns: 'healed' },
  }],
  ['create fargateprofile -f FILE: every profile of the file', {
    argv: ['create', 'fargateprofile', '--config-file=$F', '-v', '2', '--poll-interval', '1'],
    cluster: 'fp-file-all',
    config: { profiles: ['fp-apps', 'fp-dns'] },
    calls: [['version'], ['create', 'fargateprofile', '--config-file=$F', '-v', '2']],
    exitCode: 0,
    end: { profiles: ['fp-apps', 'fp-dns'], nodegroups: 0, coredns: 'healed' },
  }],
  ['create fargateprofile -f FILE --namespace: eksctl would refuse it, so nothing starts (exit 2)', {
    argv: ['create', 'fargateprofile', '-f', '$F', '--namespace', 'apps'],
    cluster: 'fp-refused',
    config: { profiles: ['fp-apps'] },
    calls: [],
    exitCode: 2,
    end: { profiles: [], nodegroups: 0, coredns: 'pending' },
    output: (_out, err) => expect(err).toBe('safe-eksctl: cannot use --namespace when --config-file/-f is set\n'),
  }],
  ['create fargateprofile -h is eksctl\'s', {
    bin: true,
    argv: ['create', 'fargateprofile', '-h', '--cluster', 'fp-help'],
    cluster: 'fp-help',
    calls: [['create', 'fargateprofile', '-h', '--cluster', 'fp-help']],
    exitCode: 0,
    end: { profiles: [], nodegroups: 0, coredns: 'pending' },
    output: (out) => expect(out).toMatch(/^Create a Fargate profile/),
  }],
];

/** The clusters the create fargateprofile cases add profiles to: ACTIVE, no compute, CoreDNS Pending. */
const EXISTING = CASES.filter(([, c]) => c.argv[1] === 'fargateprofile').map(([, c]) => c.cluster);

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  // The webhook sees a profile the moment it is ACTIVE: safe-eksctl's one restart after eksctl (create fargateprofile
  // has no 30 s sleep) then lands on Fargate at once, not after a second restart.
  sim = await startVirtualSimulator({ timings: { ...FAST_TIMINGS, webhookDelaySeconds: 0 }, eksctlVersion: V });
  // In process, safe-eksctl's SDK reads these from process.env; nothing of the user's AWS set-up may leak in.
  for (const [key, value] of Object.entries(sim.env)) vi.stubEnv(key, value);
  vi.stubEnv('AWS_PROFILE', undefined);
  dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-drop-in-'));
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-aws-config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'no-aws-credentials'));
  for (const name of EXISTING) createSimCluster(sim, name, '1.31');
  await until(sim, 'the clusters ACTIVE', () => EXISTING.every((name) => sim.world.describeCluster(name).status === 'ACTIVE'));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  removeTempDirs();
});

/** The simulated eksctl in this process, noting every argv it is given, in order: the recording eksctl's log, kept here. */
function recordingEksctl(s: Simulator): { runner: EksctlRunner; calls: string[][] } {
  const calls: string[][] = [];
  const simulated = inProcessEksctl(s.clock);
  return {
    calls,
    runner: (args, io) => {
      calls.push([...args]);
      return simulated(args, io);
    },
  };
}

function configText(name: string, { profiles, nodegroup }: NonNullable<Case['config']>): string {
  return [
    'apiVersion: eksctl.io/v1alpha5',
    'kind: ClusterConfig',
    `metadata: { name: ${name}, region: us-west-2, version: "1.31" }`,
    ...(profiles.length > 0 ? ['fargateProfiles:', ...profiles.map((p) => `  - ${PROFILES[p]}`)] : []),
    ...(nodegroup ? ['managedNodeGroups: [{ name: ng-1, desiredCapacity: 1 }]'] : []),
    '',
  ].join('\n');
}

interface CoreDnsInSim {
  readyOnFargate: number;
  readyOnEc2: number;
  patchedByEksctl: boolean;
  /** Template changes eksctl did not make: safe-eksctl's restarts. */
  restartsByOthers: number;
}

function corednsIn(cluster: string): CoreDnsInSim {
  const kube = sim.world.kubeCluster(cluster)!;
  const deployment = kube.get<Deployment>('deployments', 'kube-system', 'coredns')!;
  const patchedByEksctl = deployment.spec.template.metadata?.annotations?.['eks.amazonaws.com/compute-type'] === 'fargate';
  const ready = kube
    .listPods('kube-system', { 'k8s-app': 'kube-dns' })
    .filter((pod: Pod) => !pod.metadata.deletionTimestamp && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const onFargate = ready.filter((pod) => pod.spec.schedulerName === 'fargate-scheduler' && (pod.spec.nodeName ?? '').startsWith('fargate-'));
  return {
    readyOnFargate: onFargate.length,
    readyOnEc2: ready.length - onFargate.length,
    patchedByEksctl,
    restartsByOthers: (deployment.metadata.generation ?? 1) - 1 - (patchedByEksctl ? 1 : 0),
  };
}

const EXPECTED_COREDNS: Record<CoreDnsEnd, CoreDnsInSim> = {
  'moved by eksctl': { readyOnFargate: 2, readyOnEc2: 0, patchedByEksctl: true, restartsByOthers: 0 },
  healed: { readyOnFargate: 2, readyOnEc2: 0, patchedByEksctl: false, restartsByOthers: 1 },
  'on EC2': { readyOnFargate: 0, readyOnEc2: 2, patchedByEksctl: false, restartsByOthers: 0 },
  pending: { readyOnFargate: 0, readyOnEc2: 0, patchedByEksctl: false, restartsByOthers: 0 },
};

describe('eksctl command lines through safe-eksctl', () => {
  it('are at least 25', () => expect(CASES.length).toBeGreaterThanOrEqual(25));

  it.concurrent.each(CASES)('%s', async (_title, c) => {
    const caseDir = join(dir, c.cluster);
    mkdirSync(caseDir);
    const file = join(caseDir, 'cluster.yaml');
    const text = c.config ? configText(c.cluster, c.config) : undefined;
    if (text !== undefined) writeFileSync(file, text);
    const fill = (word: string) => word.replaceAll('$F', file);
    const log = join(caseDir, 'eksctl.log');
    const io = captureIo({
      cwd: caseDir,
      stdin: c.argv.includes('-') ? text : '',
      env: {
        ...sim.env,
        PATH: nodeOnlyPath(),
        HOME: caseDir,
        KUBECONFIG: join(caseDir, 'kubeconfig'),
        AWS_CONFIG_FILE: join(caseDir, 'aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(caseDir, 'aws-credentials'),
        SAFE_EKSCTL_EKSCTL: RECORDING_EKSCTL,
        RECORDING_EKSCTL_LOG: log,
        RECORDING_EKSCTL_THEN: sim.eksctl,
        SAFE_EKSCTL_SIM_EKSCTL_VERSION: c.eksctlVersion ?? V,
      },
    });
    let exitCode: number | undefined;
    let out: string;
    let err: string;
    let calls: string[][];
    if (c.bin) {
      const run = await runBin(c.argv.map(fill), { cwd: caseDir, env: io.env, input: '' });
      ({ exitCode } = run);
      [out, err] = [String(run.stdout), String(run.stderr)];
      calls = recorded(log).map((event) => event.argv!);
    } else {
      const recording = recordingEksctl(sim);
      exitCode = await sim.clock.track(() => main(c.argv.map(fill), io, { ...simDeps(sim), eksctlRunner: recording.runner }));
      [out, err] = [io.out(), io.err()];
      calls = recording.calls;
    }
    const name = expect.stringMatching(/^[a-z]+-[a-z]+-\d+$/);
    expect({ exitCode, calls }, err + out).toEqual({ exitCode: c.exitCode, calls: c.calls.map((argv) => argv.map(fill).map((w) => (w === '$NAME' ? name : w))) });
    c.output?.(out, err);

    const cluster = c.cluster === 'generated' ? calls.at(-1)!.at(-1)! : c.cluster;
    if ('created' in c.end) {
      expect(sim.world.listClusters()).not.toContain(cluster);
      return;
    }
    const profiles = sim.world.listFargateProfiles(cluster).sort();
    const expected = c.end.profiles.map((p) => (p === '$GENERATED_PROFILE' ? expect.stringMatching(/^fp-[0-9a-f]{8}$/) : p));
    expect(profiles).toEqual(expected);
    expect(profiles.map((p) => sim.world.describeFargateProfile(cluster, p).status)).toEqual(profiles.map(() => 'ACTIVE'));
    expect(sim.world.listNodegroups(cluster)).toHaveLength(c.end.nodegroups);
    expect(corednsIn(cluster)).toEqual(EXPECTED_COREDNS[c.end.coredns]);
    if (c.argv.includes('--auto-kubeconfig')) expect(existsSync(join(caseDir, '.kube', 'eksctl', 'clusters', cluster))).toBe(true);
    if (c.argv.includes('--write-kubeconfig=false')) expect(existsSync(join(caseDir, 'kubeconfig'))).toBe(false);
  });
});
