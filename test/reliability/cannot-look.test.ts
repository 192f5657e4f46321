// When safe-eksctl cannot look, it says so: what it could not read is unknown (never 0/0 ready, never no profiles),
// and `check`, the CI gate, fails closed within its --check-timeout whatever the endpoints do — one that never
// answers, a kubeconfig exec plugin that hangs — naming what did not answer.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, parseCheckOptions, type CheckReport } from '../../src/commands/check.js';
import { heal, parseHealOptions } from '../../src/commands/heal.js';
import type { RunReport } from '../../src/report.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { assertBuilt, recordingDir, removeTempDirs, runBin } from '../helpers/bin.js';
import { captureIo } from '../helpers/io.js';
import { alive, pidWritten, silentServer } from '../helpers/network.js';
import { createCoreDnsProfile, createSimCluster, simClock, simCredentials, until } from '../helpers/sim.js';

let sim: Simulator;
let silent: Awaited<ReturnType<typeof silentServer>>;

beforeAll(async () => {
  assertBuilt();
  [sim, silent] = await Promise.all([startSimulator({ timeScale: 0.001 }), silentServer()]);
  createSimCluster(sim, 'demo', '1.31');
  await until(sim, 'cluster ACTIVE', () => sim.world.describeCluster('demo').status === 'ACTIVE');
  createCoreDnsProfile(sim, 'demo');
  await until(sim, 'fp-coredns ACTIVE', () => sim.world.describeFargateProfile('demo', 'fp-coredns').status === 'ACTIVE');
});

afterAll(async () => {
  await Promise.all([sim?.close(), silent?.close()]);
  removeTempDirs();
});

const deps = () => ({ clock: simClock(sim), credentials: simCredentials, eksEndpoint: sim.eksEndpoint, stsEndpoint: sim.eksEndpoint });

/** Every Kubernetes request refused with 401 (every token is too old), for the duration of `fn`. */
async function kubeRefusesEveryToken<T>(fn: () => Promise<T>): Promise<T> {
  sim.faults.tokenTtlSeconds = 0;
  try {
    return await fn();
  } finally {
    sim.faults.tokenTtlSeconds = undefined;
  }
}

describe('what could not be read is unknown', () => {
  it('check: the Kubernetes API answers 401 throughout — the profiles it read are listed, CoreDNS is unknown', async () => {
    const [json, text] = await kubeRefusesEveryToken(async () => {
      const asJson = captureIo();
      const asText = captureIo();
      return [
        { code: await check({ cluster: 'demo', region: sim.region, output: 'json' }, asJson, deps()), io: asJson },
        { code: await check({ cluster: 'demo', region: sim.region, output: 'text' }, asText, deps()), io: asText },
      ];
    });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.io.out()) as CheckReport;
    expect(report).toMatchObject({ ok: false, exitCode: 1, coredns: null, error: expect.stringMatching(/^cannot read CoreDNS in "demo": .*HTTP 401/) });
    expect(report.profiles).toEqual([expect.objectContaining({ name: 'fp-coredns', status: 'ACTIVE' })]);
    expect(json.io.err()).toBe(`safe-eksctl: ${report.error}\n`);
    expect(text.code).toBe(1);
    expect(text.io.out()).toContain('  fp-coredns                   ACTIVE        kube-system k8s-app=kube-dns\nCoreDNS: unknown (not read)\n');
  });

  it('heal: a CoreDNS never read is reported unknown, not "0/0 ready; 0 stuck before; nothing was stuck"', async () => {
    const [json, text] = await kubeRefusesEveryToken(async () => {
      const asJson = captureIo();
      const asText = captureIo();
      const options = (output: string) => parseHealOptions({ cluster: 'demo', region: sim.region, output, fargateTimeout: '2h', corednsTimeout: '2h' });
      return [
        { code: await heal(options('json'), asJson, deps()), io: asJson },
        { code: await heal(options('text'), asText, deps()), io: asText },
      ];
    });
    expect(json.code).toBe(4);
    const report = JSON.parse(json.io.out()) as RunReport;
    expect(report.coredns).toEqual({ desired: null, ready: null, stuckBefore: null, restarts: 0, annotationRemoved: false, probes: 0, restartProbes: [] });
    expect(text.code).toBe(4);
    expect(text.io.out()).toContain('\nCoreDNS: unknown (could not be read); not restarted\n');
    expect(text.io.out()).not.toMatch(/0\/0 ready|nothing was stuck/);
  });
});

describe('check fails closed within --check-timeout', () => {
  it('is 2 minutes unless told otherwise', () => {
    expect(parseCheckOptions({ cluster: 'demo' }).checkTimeoutMs).toBe(120_000);
    expect(parseCheckOptions({ cluster: 'demo', checkTimeout: '45s' }).checkTimeoutMs).toBe(45_000);
    expect(() => parseCheckOptions({ cluster: 'demo', checkTimeout: 'soon' })).toThrow('--check-timeout soon: not a duration');
  });

  it('an STS that accepts connections and never answers: exit 1 naming it, nothing read', async () => {
    const io = captureIo();
    const code = await check(parseCheckOptions({ cluster: 'demo', region: sim.region, output: 'json', checkTimeout: '1s' }), io, {
      ...deps(),
      stsEndpoint: `http://${silent.host}`,
    });
    expect(code).toBe(1);
    expect(JSON.parse(io.out())).toEqual({
      ok: false,
      exitCode: 1,
      cluster: 'demo',
      region: sim.region,
      profiles: null,
      coredns: null,
      problems: [`check did not finish within 1s (--check-timeout): no answer from STS GetCallerIdentity at ${silent.host}`],
      error: `check did not finish within 1s (--check-timeout): no answer from STS GetCallerIdentity at ${silent.host}`,
    });
  });

  it('a kubeconfig exec plugin that hangs: exit 1 naming the plugin, with the profiles read, the plugin stopped', async () => {
    const { dir } = recordingDir();
    const plugin = join(dir, 'get-token');
    writeFileSync(plugin, `#!/bin/sh\nsleep 300 &\necho $! > '${dir}/child.pid'\nwait\n`);
    chmodSync(plugin, 0o755);
    const kubeconfig = join(dir, 'kubeconfig');
    const server = sim.world.describeCluster('demo').endpoint!;
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'demo', cluster: { server, 'certificate-authority': sim.caFile } }],
        users: [{ name: 'hangs', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin } } }],
        contexts: [{ name: 'demo', context: { cluster: 'demo', user: 'hangs' } }],
        'current-context': 'demo',
      }),
    );
    const io = captureIo({ cwd: dir });
    const code = await check(parseCheckOptions({ cluster: 'demo', region: sim.region, output: 'json', kubeconfig, checkTimeout: '1s' }), io, deps());
    expect(code).toBe(1);
    const report = JSON.parse(io.out()) as CheckReport;
    expect(report.profiles).toEqual([expect.objectContaining({ name: 'fp-coredns', status: 'ACTIVE' })]);
    expect(report.coredns).toBeNull();
    expect(report.error).toBe(
      `check did not finish within 1s (--check-timeout): no answer from the Kubernetes API at ${new URL(server).host}: ` +
        `read deployment kube-system/coredns: kubeconfig exec plugin \`${plugin}\` (user hangs) was stopped: the time for this command ran out`,
    );
    const child = pidWritten(join(dir, 'child.pid'));
    if (child !== undefined) expect(alive(child)).toBe(false);
  });

  it('the bin: --check-timeout, one JSON document, exit 1, and the process ends', async () => {
    const run = await runBin(['check', '--cluster', 'demo', '--check-timeout', '1s', '--output', 'json'], {
      env: { AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret-0000000000000', AWS_ENDPOINT_URL_STS: `http://${silent.host}` },
      timeout: 30_000,
    });
    expect(run.exitCode, String(run.stderr)).toBe(1);
    expect(JSON.parse(String(run.stdout))).toMatchObject({ ok: false, exitCode: 1, profiles: null, coredns: null, error: expect.stringContaining(`no answer from STS GetCallerIdentity at ${silent.host}`) });
  });
});
