// The fake eksctl's pure pieces, without the simulator: eksctl's selector rule by version, its backoff, its log
// format, Go durations, ClusterConfig strictness and the kubeconfig it merges.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { pollWithBackoff, timingOutExponentialBackoff } from '../../src/sim/fake-eksctl/backoff.js';
import { planAddons } from '../../src/sim/fake-eksctl/addons.js';
import { parseClusterConfig } from '../../src/sim/fake-eksctl/config.js';
import { validateForCreate } from '../../src/sim/fake-eksctl/validate.js';
import { EksctlError } from '../../src/sim/fake-eksctl/errors.js';
import { parseGoDuration } from '../../src/sim/fake-eksctl/duration.js';
import { kubeconfigPath, writeKubeconfig } from '../../src/sim/fake-eksctl/kubeconfig.js';
import { createLogger, formatLogLine } from '../../src/sim/fake-eksctl/log.js';
import { compareVersions, isCoreDnsSchedulableOnFargate, selectsCoreDns } from '../../src/sim/fake-eksctl/selectors.js';

describe('selectsCoreDns (eksctl pkg/fargate/coredns.selectsCoreDNS)', () => {
  const component = { namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns' } };
  it.each([
    ['0.207.0', { namespace: 'kube-system' }, true],
    ['0.230.0', { namespace: 'kube-system' }, true],
    ['0.207.0', component, false],
    ['0.208.0', component, true],
    ['0.230.0', component, true],
    ['0.230.0', { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, false],
    ['0.230.0', { namespace: 'kube-*' }, false],
    ['0.230.0', { namespace: '*' }, false],
    ['0.230.0', { namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': '*' } }, false],
    ['0.230.0', { namespace: 'default' }, false],
  ])('eksctl %s, selector %j → %s', (version, selector, expected) => {
    expect(selectsCoreDns(selector, version)).toBe(expected);
  });

  it('reads only the component key from 0.208.0 on, so extra labels still count (as eksctl does)', () => {
    const selector = { namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns', team: 'a' } };
    expect(selectsCoreDns(selector, '0.230.0')).toBe(true);
    expect(selectsCoreDns(selector, '0.207.0')).toBe(false);
  });

  it('looks at every selector of every profile', () => {
    const profiles = [
      { name: 'apps', selectors: [{ namespace: 'default' }] },
      { name: 'system', selectors: [{ namespace: 'other' }, { namespace: 'kube-system' }] },
    ];
    expect(isCoreDnsSchedulableOnFargate(profiles, '0.207.0')).toBe(true);
    expect(isCoreDnsSchedulableOnFargate(profiles.slice(0, 1), '0.230.0')).toBe(false);
  });

  it('compares versions numerically, ignoring a pre-release suffix', () => {
    expect(compareVersions('0.99.0', '0.208.0')).toBe(-1);
    expect(compareVersions('0.208.0-rc.1', '0.208.0')).toBe(0);
    expect(compareVersions('1.0.0', '0.230.0')).toBe(1);
  });
});

describe('timingOutExponentialBackoff (eksctl retry.TimingOutExponentialBackoff)', () => {
  it('doubles from one second, uncapped, cutting only the last delay to land on the timeout', () => {
    expect([...timingOutExponentialBackoff(25 * 60_000)]).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 477_000,
    ]);
    expect([...timingOutExponentialBackoff(10_000)]).toEqual([1000, 2000, 4000, 3000]);
  });

  it('polls, sleeps, polls … and times out after the last sleep without another poll', async () => {
    const slept: number[] = [];
    const check = vi.fn(async () => false);
    const outcome = await pollWithBackoff(check, { timeoutMs: 10_000, sleep: async (ms) => void slept.push(ms) });
    expect(outcome).toBe('timed-out');
    expect(slept).toEqual([1000, 2000, 4000, 3000]);
    expect(check).toHaveBeenCalledTimes(4);
  });

  it('stops as soon as the check holds and gives up at once when it throws', async () => {
    let calls = 0;
    const sleep = async () => {};
    expect(await pollWithBackoff(async () => ++calls === 3, { timeoutMs: 60_000, sleep })).toBe('done');
    expect(calls).toBe(3);
    await expect(pollWithBackoff(async () => Promise.reject(new Error('boom')), { timeoutMs: 60_000, sleep })).rejects.toThrow('boom');
  });
});

describe('eksctl log format', () => {
  const at = new Date(2026, 10, 28, 9, 5, 7);

  it('prints the Go layout, the icon in brackets and two spaces', () => {
    expect(formatLogLine('info', 'creating EKS cluster', at)).toBe('2026-11-28 09:05:07 [ℹ]  creating EKS cluster\n');
    expect(formatLogLine('success', 'ready', at)).toBe('2026-11-28 09:05:07 [✔]  ready\n');
    expect(formatLogLine('warning', 'w', at)).toBe('2026-11-28 09:05:07 [!]  w\n');
    expect(formatLogLine('critical', 'c', at)).toBe('2026-11-28 09:05:07 [✖]  c\n');
    expect(formatLogLine('debug', 'd', at)).toBe('2026-11-28 09:05:07 [▶]  d\n');
  });

  it('filters by -v as eksctl does', () => {
    const lines = (verbosity: number) => {
      let out = '';
      const log = createLogger({ write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream, verbosity, () => at);
      log.debug('d');
      log.info('i');
      log.warning('w');
      log.critical('c');
      log.success('s');
      return out.split('\n').filter(Boolean).map((l) => l.slice(21, 22));
    };
    expect(lines(0)).toEqual(['✔']);
    expect(lines(3)).toEqual(['ℹ', '!', '✖', '✔']);
    expect(lines(4)).toEqual(['▶', 'ℹ', '!', '✖', '✔']);
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['25m', 1_500_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['0', 0],
  ])('%s → %d ms', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it('refuses what Go refuses, in pflag words', () => {
    expect(() => parseGoDuration('25')).toThrow('invalid argument "25" for "--timeout" flag: time: invalid duration "25"');
    expect(() => parseGoDuration('5x')).toThrow(EksctlError);
  });
});

describe('parseClusterConfig', () => {
  const base = 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: us-west-2\n';

  it('reads profiles, selectors, nodegroups and addons', () => {
    const cfg = parseClusterConfig(
      `${base}fargateProfiles:\n  - name: fp-default\n    selectors:\n      - namespace: kube-system\n        labels: {eks.amazonaws.com/component: coredns}\n      - namespace: default\n` +
        `managedNodeGroups:\n  - name: ng-1\n    instanceType: t3.large\n    desiredCapacity: 3\n` +
        `addons:\n  - name: coredns\n    configurationValues: '{"computeType":"Fargate"}'\n`,
      'cluster.yaml',
    );
    expect(cfg.name).toBe('demo');
    expect(cfg.fargateProfiles).toEqual([
      {
        name: 'fp-default',
        selectors: [{ namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns' } }, { namespace: 'default' }],
        podExecutionRoleARN: undefined,
        subnets: [],
        tags: undefined,
      },
    ]);
    expect(cfg.managedNodeGroups[0]).toMatchObject({ name: 'ng-1', instanceTypes: ['t3.large'], desiredCapacity: 3, minSize: 3, maxSize: 3 });
    expect(cfg.addons).toEqual([{ name: 'coredns', configurationValues: '{"computeType":"Fargate"}', version: undefined, resolveConflicts: undefined }]);
  });

  it('rejects unknown fields like eksctl strict decoding', () => {
    expect(() => parseClusterConfig(`${base}fargateProfile: []\n`, 'cluster.yaml')).toThrow(
      'loading config file "cluster.yaml": error unmarshaling JSON: while decoding JSON: json: unknown field "fargateProfile"',
    );
    expect(() =>
      parseClusterConfig(`${base}fargateProfiles:\n  - name: p\n    selectors:\n      - namespace: a\n        label: {}\n`, 'c.yaml'),
    ).toThrow('json: unknown field "label"');
  });

  it('insists on the fields eksctl insists on', () => {
    expect(() => parseClusterConfig(base.replace('  region: us-west-2\n', ''), 'c.yaml')).toThrow('metadata.region must be set');
    expect(() => parseClusterConfig(`${base}fargateProfiles:\n  - name: p\n    selectors:\n      - labels: {a: b}\n`, 'c.yaml')).toThrow(
      'invalid Fargate profile "p": invalid profile selector at index #0: empty namespace',
    );
    expect(() => parseClusterConfig(`${base}fargateProfiles:\n  - name: eks-p\n    selectors: [{namespace: a}]\n`, 'c.yaml')).toThrow(
      'name should NOT start with "eks-"',
    );
  });
});

describe("create cluster's addons (eksctl known_addons.go, CreateAddonTasks)", () => {
  const cfg = (rest: string, region = 'us-west-2') =>
    parseClusterConfig(`apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: ${region}}\n${rest}`, 'c.yaml');
  const names = (addons: { name: string }[]) => addons.map((a) => a.name);

  it('0.230.0: networking defaults before the nodegroups, metrics-server after them, no pod identity agent', () => {
    const plan = planAddons(cfg(''), '0.230.0');
    expect(names(plan.beforeNodegroups)).toEqual(['vpc-cni', 'kube-proxy', 'coredns']);
    expect(names(plan.afterNodegroups)).toEqual(['metrics-server']);
    expect(plan.implicit).toEqual(['vpc-cni', 'kube-proxy', 'coredns', 'metrics-server']);
  });

  it('follows the eksctl version: no metrics-server before 0.201.0, with the others before 0.216.0', () => {
    expect(names(planAddons(cfg(''), '0.200.0').afterNodegroups)).toEqual([]);
    expect(names(planAddons(cfg(''), '0.207.0').beforeNodegroups)).toEqual(['vpc-cni', 'kube-proxy', 'coredns', 'metrics-server']);
  });

  it('Auto Mode keeps only metrics-server; disabled defaults keep only the listed; excluded regions lose metrics-server', () => {
    expect(planAddons(cfg('autoModeConfig: {enabled: true}\n'), '0.230.0').implicit).toEqual(['metrics-server']);
    const own = planAddons(cfg('addonsConfig: {disableDefaultAddons: true}\naddons: [{name: coredns}, {name: eks-pod-identity-agent}]\n'), '0.230.0');
    expect(names(own.beforeNodegroups)).toEqual(['eks-pod-identity-agent', 'coredns']);
    expect(own.implicit).toEqual([]);
    expect(planAddons(cfg('', 'cn-north-1'), '0.230.0').implicit).toEqual(['vpc-cni', 'kube-proxy', 'coredns']);
    expect(names(planAddons(cfg('addons: [{name: coredns, version: latest}, {name: aws-ebs-csi-driver}]\n'), '0.230.0').afterNodegroups)).toEqual([
      'aws-ebs-csi-driver',
      'metrics-server',
    ]);
  });
});

describe("create cluster's checks before anything is created (configfile.go)", () => {
  const refused = (rest: string) => {
    try {
      validateForCreate(parseClusterConfig(`apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: us-west-2}\n${rest}`, 'c.yaml'));
    } catch (error) {
      expect(error).toBeInstanceOf(EksctlError);
      return (error as Error).message;
    }
    return undefined;
  };

  it.each([
    ['autoModeConfig: {enabled: true}\nmanagedNodeGroups: [{name: ng}]\n', /^creation of managed or self-managed nodegroups is not supported during cluster creation when Auto Mode is enabled/],
    ['autoModeConfig: {enabled: true}\naddons: [{name: coredns}]\n', /^core networking addons are not required on a cluster using Auto Mode/],
    ['addonsConfig: {disableDefaultAddons: true}\nfargateProfiles: [{name: fp, selectors: [{namespace: a}]}]\n', /^fields nodeGroups, managedNodeGroups, fargateProfiles, karpenter/],
    ['privateCluster: {enabled: true}\nvpc: {clusterEndpoints: {publicAccess: false}}\n', /^vpc\.clusterEndpoints cannot be set for a fully-private cluster/],
    ['outpost: {controlPlaneOutpostARN: arn:x}\nmanagedNodeGroups: [{name: ng}]\n', 'Managed Nodegroups are not supported on Outposts'],
    ['outpost: {controlPlaneOutpostARN: arn:x}\nnodeGroups: [{name: ng}]\n', /^cannot create nodegroups on Outposts when the VPC is created by eksctl/],
  ])('refuses %j', (rest, expected) => {
    expect(refused(rest)).toMatch(expected);
  });

  it('accepts what eksctl accepts: Auto Mode with profiles and coredns, a bare cluster, a private one', () => {
    expect(refused('autoModeConfig: {enabled: true}\naddons: [{name: coredns}]\nfargateProfiles: [{name: fp, selectors: [{namespace: kube-system}]}]\n')).toBeUndefined();
    expect(refused('addonsConfig: {disableDefaultAddons: true}\n')).toBeUndefined();
    expect(refused('addonsConfig: {disableDefaultAddons: true}\naddons: [{name: vpc-cni}]\nmanagedNodeGroups: [{name: ng}]\n')).toBeUndefined();
    expect(refused('privateCluster: {enabled: true}\nmanagedNodeGroups: [{name: ng}]\n')).toBeUndefined();
  });
});

describe('kubeconfig', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const target = { clusterName: 'demo', region: 'us-west-2', endpoint: 'https://127.0.0.1:1', caData: 'Q0E=', username: 'alice' };

  it('picks --kubeconfig, then --auto-kubeconfig, then $KUBECONFIG, then ~/.kube/config', () => {
    const env = { HOME: '/h', KUBECONFIG: '/k1:/k2' };
    expect(kubeconfigPath({ kubeconfig: '/x', env }, 'demo')).toBe('/x');
    expect(kubeconfigPath({ autoKubeconfig: true, env }, 'demo')).toBe('/h/.kube/eksctl/clusters/demo');
    expect(kubeconfigPath({ env }, 'demo')).toBe('/k1');
    expect(kubeconfigPath({ env: { HOME: '/h' } }, 'demo')).toBe('/h/.kube/config');
  });

  it('merges into an existing file with the aws exec plugin and keeps other entries', () => {
    dir = mkdtempSync(join(tmpdir(), 'fake-eksctl-kc-'));
    const path = join(dir!, 'config');
    writeFileSync(
      path,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster: {server: https://o}\ncontexts:\n- name: other\n  context: {cluster: other, user: other}\nusers:\n- name: other\n  user: {token: t}\ncurrent-context: other\n',
    );
    writeKubeconfig(path, target, true);
    writeKubeconfig(path, { ...target, endpoint: 'https://127.0.0.1:2' }, true);
    const config = parse(readFileSync(path, 'utf8'));
    expect(config.clusters.map((c: { name: string }) => c.name)).toEqual(['other', 'demo.us-west-2.eksctl.io']);
    expect(config.clusters[1].cluster).toEqual({ 'certificate-authority-data': 'Q0E=', server: 'https://127.0.0.1:2' });
    expect(config['current-context']).toBe('alice@demo.us-west-2.eksctl.io');
    expect(config.users[1].user.exec).toMatchObject({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--output', 'json', '--cluster-name', 'demo', '--region', 'us-west-2'],
    });
  });

  it('leaves current-context alone with --set-kubeconfig-context=false when one is set', () => {
    dir = mkdtempSync(join(tmpdir(), 'fake-eksctl-kc-'));
    const path = join(dir!, 'nested', 'config');
    writeKubeconfig(path, target, false);
    // A new file is private, like client-go's WriteToFile makes it.
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(path, 'utf8'))['current-context']).toBe('alice@demo.us-west-2.eksctl.io');
    writeKubeconfig(path, { ...target, clusterName: 'second' }, false);
    expect(parse(readFileSync(path, 'utf8'))['current-context']).toBe('alice@demo.us-west-2.eksctl.io');
  });
});

describe('fake eksctl command line (in process, no AWS calls)', () => {
  async function run(argv: string[], stdin = '') {
    const { PassThrough, Readable } = await import('node:stream');
    const { main } = await import('../../src/sim/fake-eksctl/main.js');
    let stdout = '';
    let stderr = '';
    const out = new PassThrough().on('data', (d: Buffer) => (stdout += d));
    const err = new PassThrough().on('data', (d: Buffer) => (stderr += d));
    const code = await main(argv, { stdout: out, stderr: err, stdin: Readable.from([stdin]), env: { HOME: tmpdir() }, cwd: tmpdir() });
    return { code, stdout, stderr };
  }
  const config = 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: us-west-2\n';

  it.each([
    [['--region', 'eu-west-1'], 'Error: cannot use --region when --config-file/-f is set\n'],
    [['-r', 'eu-west-1'], 'Error: cannot use --region when --config-file/-f is set\n'],
    [['--name', 'x'], 'Error: cannot use --name when --config-file/-f is set\n'],
    [['--version', '1.30'], 'Error: cannot use --version when --config-file/-f is set\n'],
    [['--zones', 'us-west-2a'], 'Error: cannot use --zones when --config-file/-f is set\n'],
    [['--nodes', '3'], 'Error: cannot use --nodes when --config-file/-f is set\n'],
    [['--managed'], 'Error: cannot use --managed when --config-file/-f is set\n'],
    [['extra-name'], 'Error: cannot use name argument when --config-file/-f is set\n'],
    [['--kubeconfig', '/k', '--auto-kubeconfig'], 'Error: --kubeconfig and --auto-kubeconfig cannot be used at the same time\n'],
    [['--bogus'], 'Error: unknown flag: --bogus\n'],
    [['--set-kubeconfig-context', 'false'], 'Error: cannot use name argument when --config-file/-f is set\n'],
  ])('create cluster -f - %j → exit 1 with eksctl words', async (extra, message) => {
    const result = await run(['create', 'cluster', '-f', '-', ...extra], config);
    expect(result).toEqual({ code: 1, stdout: '', stderr: message });
  });

  it('accepts the flags eksctl accepts with -f and a dry run (so nothing is created)', async () => {
    // Not -p, --timeout or the kubeconfig flags: eksctl's dry-run refuses those (fake-eksctl-command-line.test.ts).
    // Nor `--set-kubeconfig-context false`: a bool never takes the next word, so `false` would be a name argument.
    const args = ['--without-nodegroup', '-v', '4', '-C', 'false', '-d', '--with-oidc', '--nodegroup-parallelism', '2'];
    const result = await run(['create', 'cluster', '-f', '-', '--dry-run', ...args], config);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(parse(result.stdout)).toMatchObject({ metadata: { name: 'demo' } });
  });

  it('names the file in config errors', async () => {
    const result = await run(['create', 'cluster', '-f', '-'], `${config}bogus: 1\n`);
    expect(result.stderr).toBe('Error: loading config file "-": error unmarshaling JSON: while decoding JSON: json: unknown field "bogus"\n');
    expect(result.code).toBe(1);
  });

  it('prints its version, as text or JSON', async () => {
    expect(await run(['version'])).toEqual({ code: 0, stdout: '0.230.0\n', stderr: '' });
    expect(JSON.parse((await run(['version', '-o', 'json'])).stdout)).toMatchObject({ Version: '0.230.0' });
  });
});
