// --kubeconfig / --context against the simulator, through safe-eksctl's command line in this process on virtual time: a kubeconfig whose context reaches another
// API server than the named cluster's endpoint is refused (exit 2, not one request to that server, no write), the
// same cluster reached through a kubeconfig is read as before, and after `eksctl create cluster` a context the file
// lacks is named with the file instead of client-node's "No active cluster!". The bad files and contexts that are
// refused before anything starts are in the bad-input corpus (test/fixtures/bad/cases.yaml).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEksToken } from '../../src/adapters/token.js';
import type { CheckReport } from '../../src/commands/check.js';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { EXAMPLES } from '../helpers/bin.js';
import { SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { plainEksctl, safeEksctlOn, scratchEnv, simulatorPerTest, writes } from '../helpers/sim-workloads.js';

const CLUSTER = 'fargate-demo';

const simulator = simulatorPerTest();

async function clusterLeftPendingByEksctl0207(start: () => Promise<{ s: Simulator; env: Record<string, string> }>) {
  const { s, env } = await start();
  const eksctl = await plainEksctl(s, env, ['create', 'cluster', '-f', `${EXAMPLES}/bug-report.yaml`]);
  expect(eksctl.exitCode, String(eksctl.stdout)).toBe(0);
  return { s, env };
}

const options = { virtualTime: true, eksctlVersion: '0.207.0' };

/** A kubeconfig with one context, `other`, reaching `server` as `sim`'s cluster with a token (no exec plugin). */
async function tokenKubeconfig(path: string, sim: Simulator, server: string): Promise<string> {
  const { token } = await createEksToken({
    clusterName: CLUSTER,
    region: sim.region,
    credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
  });
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters:\n- name: other\n  cluster:\n    server: ${server}\n    certificate-authority: ${sim.caFile}`,
      `users:\n- name: other\n  user:\n    token: ${token}`,
      'contexts:\n- name: other\n  context:\n    cluster: other\n    user: other',
      'current-context: other',
      '',
    ].join('\n'),
  );
  return path;
}

function requests(byMethod: Record<string, number>): number {
  return Object.values(byMethod).reduce((a, b) => a + b, 0);
}

describe('--kubeconfig that reaches another cluster', () => {
  it('check and heal refuse it with one line naming both servers, exit 2, and never reach it', async () => {
    const { s, env } = await clusterLeftPendingByEksctl0207(() => simulator.start(options));
    // A second simulator with a cluster of the same name: another API server, with pods of its own.
    const other = await startSimulator(options);
    const otherScratch = scratchEnv(other);
    try {
      await clusterLeftPendingByEksctl0207(async () => ({ s: other, env: otherScratch.env }));
      const kubeconfig = await tokenKubeconfig(join(env['HOME']!, 'other-kubeconfig'), other, other.kubeServer);
      const line = `safe-eksctl: --kubeconfig ${kubeconfig}: context other reaches ${other.kubeServer}, but cluster ${CLUSTER}'s endpoint is ${s.kubeServer}`;
      const mine = s.kubeRequestsByMethod();
      const theirs = requests(other.kubeRequestsByMethod());

      const checked = await safeEksctlOn<CheckReport>(s, ['check', '--cluster', CLUSTER, '--kubeconfig', kubeconfig, '--output', 'json'], env);
      expect({ exitCode: checked.exitCode, stderr: checked.stderr, stdout: checked.stdout }).toEqual({ exitCode: 2, stderr: `${line}\n`, stdout: '' });

      const healed = await safeEksctlOn(s, ['heal', '--cluster', CLUSTER, '--kubeconfig', kubeconfig, '--output', 'json'], env);
      expect(healed.exitCode, healed.stderr).toBe(2);
      expect(healed.stderr).toContain(line.replace(/^safe-eksctl: /, ''));
      // Refused in Preflight: the profiles are not even waited for.
      expect(healed.json).toMatchObject({ ok: false, exitCode: 2, coredns: null });
      expect(healed.json!.phases.map((p) => [p.name, p.status])).toEqual([['Preflight', 'failed']]);

      expect(requests(other.kubeRequestsByMethod())).toBe(theirs);
      expect(writes(s.kubeRequestsByMethod())).toBe(writes(mine));
    } finally {
      await other.close();
      otherScratch.cleanup();
    }
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('the same API server written another way (a trailing slash) is the same cluster: check reads it', async () => {
    const { s, env } = await clusterLeftPendingByEksctl0207(() => simulator.start(options));
    const server = `${s.kubeServer}/`;
    const kubeconfig = await tokenKubeconfig(join(env['HOME']!, 'same-kubeconfig'), s, server);
    const before = s.kubeRequestsByMethod();

    const checked = await safeEksctlOn<CheckReport>(s, ['check', '--cluster', CLUSTER, '--kubeconfig', kubeconfig, '--context', 'other', '--output', 'json'], env);
    expect(checked.exitCode, checked.stderr).toBe(1);
    expect(checked.json?.error).toBeUndefined();
    expect(checked.json).toMatchObject({ ok: false, cluster: CLUSTER, coredns: { found: true, desired: 2, ready: 0 } });
    expect(checked.json!.coredns!.pods.map((p) => p.state)).toEqual(['stuck', 'stuck']);
    expect((s.kubeRequestsByMethod()['GET'] ?? 0) - (before['GET'] ?? 0)).toBeGreaterThan(0);
    expect(writes(s.kubeRequestsByMethod())).toBe(writes(before));
  }, SCENARIO_TEST_TIMEOUT_MS);
});

describe('create --kubeconfig with a --context eksctl does not write', () => {
  it('names the context and the file once eksctl wrote it (exit 1), and restarts nothing', async () => {
    const { s, env } = await simulator.start(options);
    const kubeconfig = join(env['HOME']!, 'created-kubeconfig');

    const run = await safeEksctlOn(s, ['create', '-f', `${EXAMPLES}/bug-report.yaml`, '--kubeconfig', kubeconfig, '--context', 'nosuch', '--output', 'json'], env);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.json!.error).toBe(`--context nosuch: not in ${kubeconfig}`);
    expect(run.stderr).not.toContain('No active cluster');
    expect(run.json!.phases.map((p) => [p.name, p.status])).toEqual([
      ['Config and plan', 'ok'],
      ['Preflight', 'ok'],
      ['eksctl create cluster', 'ok'],
      ['Wait for Fargate profiles', 'ok'],
      ['Heal CoreDNS', 'failed'],
    ]);
    const coredns = s.world.kubeCluster(CLUSTER)!.get('deployments', 'kube-system', 'coredns') as { spec: { template: { metadata?: { annotations?: Record<string, string> } } } };
    expect(coredns.spec.template.metadata?.annotations ?? {}).not.toHaveProperty('kubectl.kubernetes.io/restartedAt');
  }, SCENARIO_TEST_TIMEOUT_MS);
});
