import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import {
  assertBuilt,
  EXAMPLES,
  nodeOnlyPath,
  pathWithRecordingEksctl,
  RECORDING_EKSCTL,
  recorded,
  recordingDir,
  recordingEnv,
  runBin,
  removeTempDirs,
} from '../helpers/bin.js';
import { captureIo } from '../helpers/io.js';

const BUG_REPORT = join(EXAMPLES, 'bug-report.yaml');

beforeAll(assertBuilt);
afterAll(removeTempDirs);

/**
 * safe-eksctl in this process, as runBin would start it: a PATH that holds no eksctl unless `env` says otherwise. Only
 * eksctl (the recording stand-in) is spawned, where the plan asks it for its version.
 */
async function planInProcess(args: string[], options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {}) {
  const io = captureIo({ env: { PATH: nodeOnlyPath(), ...options.env }, cwd: options.cwd ?? process.cwd(), stdin: options.stdin ?? '' });
  const exitCode = await main(['plan', ...args], io);
  return { exitCode, stdout: io.out(), stderr: io.err() };
}

// The bin once per exit code plan gives; what it prints, and how, is checked in process below.
describe('safe-eksctl plan (the bin)', () => {
  it('exits 0 with the plan on stdout when the cluster can come up', async () => {
    const result = await runBin(['plan', '-f', BUG_REPORT, '--eksctl-version', '0.207.0']);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('Plan for cluster "fargate-demo" in us-west-2 (Kubernetes 1.31), eksctl 0.207.0');
  });

  it('reads the config from its own stdin with -f -', async () => {
    const result = await runBin(['plan', '-f', '-', '--eksctl-version', '0.207.0', '-o', 'json'], { inputFile: join(EXAMPLES, 'kube-dns-label.yaml') });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(String(result.stdout))).toMatchObject({ coredns: { capturedBy: 'fp-coredns', eksctlHandles: false } });
  });

  it('exits 1 when an error finding says CoreDNS can never run', async () => {
    const { dir } = recordingDir();
    writeFileSync(
      join(dir, 'cluster.yaml'),
      'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: lonely, region: eu-west-1}\n' +
        'fargateProfiles:\n  - name: fp-apps\n    selectors: [{namespace: apps}]\n',
    );
    const result = await runBin(['plan', '-f', 'cluster.yaml', '--eksctl-version', '0.230.0'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^ {2}error {4}COREDNS_NEVER_RUNS: /m);
  });

  it('exits 2 on bad input, in one line, eksctl never started', async () => {
    const { log, env } = recordingEnv();
    const result = await runBin(['plan', '-f', 'missing.yaml'], { env, cwd: recordingDir().dir });
    expect([result.exitCode, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toBe('safe-eksctl: missing.yaml: cannot read: no such file\n');
    expect(recorded(log)).toEqual([]);
  });
});

describe('safe-eksctl plan', () => {
  it('prints steps and findings as text and exits 0 when the cluster can come up', async () => {
    const result = await planInProcess(['-f', BUG_REPORT, '--eksctl-version', '0.207.0']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Plan for cluster "fargate-demo" in us-west-2 (Kubernetes 1.31), eksctl 0.207.0');
    expect(result.stdout).toContain('  2. wait until every Fargate profile is ACTIVE: fp-default, fp-kube-system');
    expect(result.stdout).toContain('  3. heal CoreDNS: restart the deployment so profile "fp-kube-system" schedules it on Fargate');
    expect(result.stdout).toMatch(/^ {2}warning {2}COREDNS_STRANDED_BY_EKSCTL: profile "fp-kube-system" captures CoreDNS/m);
  });

  it('prints one JSON object with --output json', async () => {
    const result = await planInProcess(['-f', BUG_REPORT, '--eksctl-version', 'v0.230.0', '--output', 'json']);
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(String(result.stdout)) as Record<string, unknown>;
    expect(plan).toMatchObject({
      cluster: { name: 'fargate-demo', region: 'us-west-2', version: '1.31' },
      eksctlVersion: '0.230.0',
      coredns: { capturedBy: 'fp-kube-system', eksctlHandles: true, canRun: true },
      findings: [
        { level: 'info', code: 'EKSCTL_HANDLES_COREDNS', message: expect.any(String) },
        { level: 'warning', code: 'METRICS_SERVER_PENDING', message: expect.any(String) },
      ],
      kind: { autoMode: false, coreDnsAddon: true, metricsServerAddon: true, endpoint: 'public' },
      steps: expect.arrayContaining([expect.stringMatching(/^run eksctl create cluster -f /)]),
    });
  });

  it('exits 1 when an error finding says CoreDNS can never run', async () => {
    const { dir } = recordingDir();
    const file = join(dir, 'cluster.yaml');
    writeFileSync(
      file,
      'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: lonely, region: eu-west-1}\n' +
        'fargateProfiles:\n  - name: fp-apps\n    selectors: [{namespace: apps}]\n',
    );
    const text = await planInProcess(['-f', 'cluster.yaml', '--eksctl-version', '0.230.0'], { cwd: dir });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/^ {2}error {4}COREDNS_NEVER_RUNS: /m);
    const json = await planInProcess(['-f', file, '--eksctl-version', '0.230.0', '-o', 'json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(String(json.stdout))).toMatchObject({ coredns: { capturedBy: null, canRun: false } });
  });

  it('asks the eksctl binary for its version when none is given', async () => {
    const { log, env } = recordingEnv({ RECORDING_EKSCTL_VERSION: '0.230.0' });
    const result = await planInProcess(['-f', BUG_REPORT, '-o', 'json'], { env });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(String(result.stdout))).toMatchObject({ eksctlVersion: '0.230.0', coredns: { eksctlHandles: true } });
    expect(recorded(log).map((event) => event.argv)).toEqual([['version']]);
  });

  it('finds eksctl on PATH and through --eksctl', async () => {
    const { log } = recordingDir();
    const env = { PATH: pathWithRecordingEksctl(), RECORDING_EKSCTL_LOG: log };
    const onPath = await planInProcess(['-f', BUG_REPORT, '-o', 'json'], { env });
    expect(JSON.parse(String(onPath.stdout))).toMatchObject({ eksctlVersion: '0.207.0' });
    const flagged = await planInProcess(['-f', BUG_REPORT, '--eksctl', RECORDING_EKSCTL, '-o', 'json'], {
      env: { RECORDING_EKSCTL_LOG: log, RECORDING_EKSCTL_VERSION: '0.208.0' },
    });
    expect(JSON.parse(String(flagged.stdout))).toMatchObject({ eksctlVersion: '0.208.0' });
    expect(recorded(log)).toHaveLength(2);
  });

  it('falls back to unknown (the old rules) without eksctl', async () => {
    const result = await planInProcess(['-f', BUG_REPORT, '-o', 'json']);
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(String(result.stdout)) as { eksctlVersion: string; findings: { code: string }[] };
    expect(plan.eksctlVersion).toBe('unknown');
    expect(plan.findings.map((finding) => finding.code)).toEqual(['UNKNOWN_EKSCTL', 'COREDNS_STRANDED_BY_EKSCTL', 'METRICS_SERVER_PENDING']);
  });

  it('reads the config from stdin with -f -', async () => {
    const result = await planInProcess(['-f', '-', '--eksctl-version', '0.207.0', '-o', 'json'], {
      stdin: readFileSync(join(EXAMPLES, 'kube-dns-label.yaml'), 'utf8'),
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(String(result.stdout))).toMatchObject({ coredns: { capturedBy: 'fp-coredns', eksctlHandles: false } });
  });
});

describe('safe-eksctl plan with bad input exits 2 in one line and never starts eksctl', () => {
  const bad = (name: string, yaml: string) => {
    const { dir } = recordingDir();
    writeFileSync(join(dir, name), yaml);
    return dir;
  };
  const head = 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: eu-west-1}\n';

  it.each([
    ['a missing file', () => ({ cwd: recordingDir().dir, args: ['-f', 'missing.yaml'] }), 'missing.yaml: cannot read: no such file'],
    ['an empty file', () => ({ cwd: bad('c.yaml', ''), args: ['-f', 'c.yaml'] }), 'c.yaml: is empty'],
    [
      'several documents',
      () => ({ cwd: bad('c.yaml', `${head}---\n${head}`), args: ['-f', 'c.yaml'] }),
      'c.yaml: holds 2 YAML documents; put one ClusterConfig in the file',
    ],
    [
      'duplicate profile names',
      () => ({
        cwd: bad('c.yaml', `${head}fargateProfiles:\n- {name: a, selectors: [{namespace: x}]}\n- {name: a, selectors: [{namespace: y}]}\n`),
        args: ['-f', 'c.yaml'],
      }),
      'c.yaml: fargateProfiles[1].name: "a" is used by another profile',
    ],
    [
      'a selector without namespace',
      () => ({ cwd: bad('c.yaml', `${head}fargateProfiles:\n- {name: a, selectors: [{labels: {}}]}\n`), args: ['-f', 'c.yaml'] }),
      'c.yaml: fargateProfiles[0].selectors[0].namespace: is required',
    ],
    [
      'a wrong kind',
      () => ({ cwd: bad('c.yaml', head.replace('ClusterConfig', 'Cluster')), args: ['-f', 'c.yaml'] }),
      'c.yaml: kind: must be ClusterConfig',
    ],
    ['a bad --eksctl-version', () => ({ cwd: bad('c.yaml', head), args: ['-f', 'c.yaml', '--eksctl-version', 'new'] }), '--eksctl-version: not a version: new (e.g. 0.207.0)'],
  ])('%s', async (_name, setup, message) => {
    const { cwd, args } = setup();
    const { log, env } = recordingEnv();
    const result = await planInProcess([...args], { cwd, env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`safe-eksctl: ${message}\n`);
    expect(result.stdout).toBe('');
    expect(recorded(log)).toEqual([]);
  });

  it('-f without a value', async () => {
    const { log, env } = recordingEnv();
    const result = await planInProcess(['-f'], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("safe-eksctl: option '-f, --config-file <file>' argument missing (see safe-eksctl plan --help)\n");
    expect(recorded(log)).toEqual([]);
  });
});
