// The simulated eksctl's command line for `create cluster` and `create fargateprofile`, in process and without the
// simulator: the ClusterConfig --dry-run prints for the flag form and for -f (eksctl v0.230.0's defaults), and what it
// refuses, in eksctl's words (the source files are named in src/sim/fake-eksctl/create-commands.ts and
// cluster-from-flags.ts). Nothing here reaches AWS: every case ends before eksctl would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/sim/fake-eksctl/main.js';
import { captureIo } from '../helpers/io.js';

const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-fake-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FILE = join(dir, 'cluster.yaml');
writeFileSync(
  FILE,
  [
    'apiVersion: eksctl.io/v1alpha5',
    'kind: ClusterConfig',
    'metadata: { name: from-file, region: eu-west-1, version: "1.31" }',
    'managedNodeGroups: [{ name: ng-1 }]',
    'fargateProfiles: [{ name: fp-dns, selectors: [{ namespace: kube-system, labels: { k8s-app: kube-dns } }] }]',
    '',
  ].join('\n'),
);

async function eksctl(args: string[], env: NodeJS.ProcessEnv = { AWS_REGION: 'us-west-2' }) {
  const io = captureIo({ env: { HOME: dir, ...env }, cwd: dir });
  const exitCode = await main(args, io);
  return { exitCode, stdout: io.out(), stderr: io.err() };
}

async function dryRun(...args: string[]) {
  const run = await eksctl(['create', 'cluster', ...args, '--dry-run']);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  return parse(run.stdout) as Record<string, any>;
}

describe('create cluster --dry-run prints the ClusterConfig eksctl would use', () => {
  it('with no flags at all: a generated name, the region of the environment, one managed nodegroup of two m5.large', async () => {
    const cfg = await dryRun();
    expect(cfg.metadata).toEqual({ name: expect.stringMatching(/^[a-z]+-[a-z]+-\d{10}$/), region: 'us-west-2', version: '1.34' });
    expect(cfg.managedNodeGroups).toHaveLength(1);
    expect(cfg.managedNodeGroups[0]).toMatchObject({
      name: expect.stringMatching(/^ng-[0-9a-f]{8}$/),
      instanceType: 'm5.large',
      desiredCapacity: 2,
      minSize: 2,
      maxSize: 2,
      amiFamily: 'AmazonLinux2023',
    });
    expect(cfg.fargateProfiles).toBeUndefined();
    expect(Object.keys(cfg)).toEqual([...Object.keys(cfg)].sort());
  });

  it('--fargate: profile fp-default for default and kube-system, and no nodegroup', async () => {
    const cfg = await dryRun('--name', 'x', '--fargate', '--region', 'eu-west-1', '--version', '1.31');
    expect(cfg.fargateProfiles).toEqual([{ name: 'fp-default', selectors: [{ namespace: 'default' }, { namespace: 'kube-system' }] }]);
    expect(cfg.managedNodeGroups).toBeUndefined();
    expect(cfg.metadata).toEqual({ name: 'x', region: 'eu-west-1', version: '1.31' });
  });

  it('--fargate --managed keeps the nodegroup', async () => {
    const cfg = await dryRun('--name', 'x', '--fargate', '--managed');
    expect(cfg.fargateProfiles).toHaveLength(1);
    expect(cfg.managedNodeGroups).toHaveLength(1);
  });

  it('--without-nodegroup, the name as the argument, and --nodes / -t for the nodegroup', async () => {
    expect((await dryRun('--name', 'x', '--without-nodegroup')).managedNodeGroups).toBeUndefined();
    expect((await dryRun('my-cluster')).metadata.name).toBe('my-cluster');
    const sized = await dryRun('-n', 'x', '--nodes', '3', '-t', 't3.small', '--nodegroup-name', 'workers');
    expect(sized.managedNodeGroups[0]).toMatchObject({ name: 'workers', instanceType: 't3.small', desiredCapacity: 3, minSize: 3, maxSize: 3 });
  });

  it('--enable-auto-mode: Auto Mode on and no nodegroup', async () => {
    const cfg = await dryRun('--name', 'x', '--enable-auto-mode');
    expect(cfg.autoModeConfig).toEqual({ enabled: true });
    expect(cfg.managedNodeGroups).toBeUndefined();
  });

  it('-f FILE: the file with defaults; --without-nodegroup drops its nodegroups', async () => {
    const cfg = await dryRun('-f', FILE);
    expect(cfg.metadata).toEqual({ name: 'from-file', region: 'eu-west-1', version: '1.31' });
    expect(cfg.managedNodeGroups[0]).toMatchObject({ name: 'ng-1', instanceType: 'm5.large', desiredCapacity: 2 });
    expect(cfg.fargateProfiles).toEqual([{ name: 'fp-dns', selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }] }]);
    const without = await dryRun('-f', FILE, '--without-nodegroup');
    expect(without.managedNodeGroups).toBeUndefined();
    expect(without.fargateProfiles).toEqual(cfg.fargateProfiles);
  });
});

describe('what eksctl refuses, in its own words (exit 1, nothing done)', () => {
  it.each([
    [['create', 'cluster', '--dry-run', '--profile', 'p'], 'cannot use --profile with --dry-run as this option cannot be represented in ClusterConfig: set the AWS_PROFILE environment variable instead'],
    [['create', 'cluster', '--dry-run', '--timeout=30m'], 'cannot use --timeout with --dry-run as this option cannot be represented in ClusterConfig'],
    [['create', 'cluster', '--dry-run', '--write-kubeconfig=false'], 'cannot use --write-kubeconfig with --dry-run as this option cannot be represented in ClusterConfig'],
    [['create', 'cluster', '-f', FILE, '--name', 'other'], 'cannot use --name when --config-file/-f is set'],
    [['create', 'cluster', '-f', FILE, '--region', 'us-east-1'], 'cannot use --region when --config-file/-f is set'],
    [['create', 'cluster', '-f', FILE, 'other'], 'cannot use name argument when --config-file/-f is set'],
    [['create', 'cluster', '--name', 'a', 'b'], '--name=a and argument b cannot be used at the same time'],
    [['create', 'cluster', '--include', 'ng-*'], 'unknown flag: --include'],
    [['create', 'cluster', '-x'], "unknown shorthand flag: 'x' in -x"],
    [['create', 'cluster', '--fargate=maybe'], 'invalid argument "maybe" for "--fargate" flag: strconv.ParseBool: parsing "maybe": invalid syntax'],
    [['create', 'cluster', '--nodes', 'two'], 'invalid argument "two" for "-N, --nodes" flag: strconv.ParseInt: parsing "two": invalid syntax'],
    [['create', 'cluster', '--nodes'], 'flag needs an argument: --nodes'],
    [['create', 'cluster', '-N'], "flag needs an argument: 'N' in -N"],
    [['create', 'cluster', '--name', 'x', '--enable-auto-mode', '--fargate'], 'cannot use --fargate when Auto Mode is enabled'],
    [['create', 'cluster', '--install-vpc-controllers'], 'cannot use --install-vpc-controllers unless a config file is specified via --config-file/-f'],
    [['create', 'cluster', '--managed=false', '--spot'], '--spot is only valid with managed nodegroups (--managed)'],
    [['create', 'fargateprofile', '-f', FILE, '--name', 'fp-dns'], 'cannot use --name when --config-file/-f is set'],
    [['create', 'fargateprofile', '-f', FILE, '-l', 'a=b'], 'cannot use --labels when --config-file/-f is set'],
    [['create', 'fargateprofile', '--namespace', 'default'], '--cluster must be set'],
    [['create', 'fargateprofile', '--cluster', 'c'], 'invalid Fargate profile: empty selector namespace'],
    [['create', 'fargateprofile', '-c', 'c', '--name', 'a', 'b', '--namespace', 'n'], '--name=a and argument b cannot be used at the same time'],
    [['create', 'fargateprofile', '-c', 'c', '--name', 'eks-a', '--namespace', 'n'], 'invalid Fargate profile: name should NOT start with "eks-"'],
    [['create', 'fargateprofile', '-c', 'c', '--namespace', 'n', '--labels', 'oops'], 'invalid argument "oops" for "-l, --labels" flag: oops must be formatted as key=value'],
  ])('%j', async (args, message) => {
    expect(await eksctl(args)).toEqual({ exitCode: 1, stdout: '', stderr: `Error: ${message}\n` });
  });

  it('the flag form without any region: the AWS SDK has none either', async () => {
    expect(await eksctl(['create', 'cluster', '--dry-run'], {})).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'Error: AWS Region must be set, please set the AWS Region in AWS config file or as environment variable\n',
    });
    expect((await eksctl(['create', 'cluster', '--dry-run'], { AWS_DEFAULT_REGION: 'ap-south-1' })).stdout).toContain('region: ap-south-1');
  });

  it('--help and -h print help and exit 0, before any other judgement', async () => {
    for (const args of [['create', 'cluster', '--help'], ['create', 'fargateprofile', '-h', '-f', FILE, '--name', 'x'], ['-v', '4', 'create', 'cluster', '-h']]) {
      const run = await eksctl(args);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^Create a/);
    }
  });
});
