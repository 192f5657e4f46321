// Clusters made by other tools, against a cluster plain eksctl 0.207.0 left with CoreDNS Pending, as Terraform, CDK
// or Pulumi leave theirs: the Terraform module (examples/terraform/safe-eksctl) applied by terraform itself where it
// is installed, and examples/after-deploy.sh, which the CDK and Pulumi note runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../helpers/bin.js';
import { commandPath, hasCommand } from '../helpers/commands.js';
import { userRepo } from '../helpers/examples.js';
import { FAST_TIMINGS, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { plainEksctl, simulatorPerTest, writes } from '../helpers/sim-workloads.js';

const simulator = simulatorPerTest();

/**
 * A cluster with CoreDNS stuck on default-scheduler, and a user directory with safe-eksctl on PATH. The simulator
 * keeps virtual time, so plain eksctl runs in this process; the tools run as processes of their own and find CoreDNS
 * as eksctl left it, stuck with no timer of the simulator to change that. Once they restart it, the simulator's
 * timers fire whenever this process waits, so the new pods come up at the pace the tools poll, whatever the load.
 */
async function strandedCluster() {
  const { s, env: simEnv } = await simulator.start({ virtualTime: true, eksctlVersion: '0.207.0', timings: FAST_TIMINGS });
  const { dir, env } = userRepo(simEnv, { installed: true });
  const eksctl = await plainEksctl(s, { ...env, HOME: dir }, ['create', 'cluster', '-f', join(dir, 'cluster.yaml')]);
  expect(eksctl.exitCode, eksctl.stdout).toBe(0);
  return { s, dir, env: { ...env, HOME: dir } };
}

describe('clusters made by other tools', () => {
  it.skipIf(!hasCommand('terraform'))(
    'terraform apply of the module heals CoreDNS and passes the check gate; a second apply runs nothing',
    async () => {
      const { s, dir, env } = await strandedCluster();
      writeFileSync(
        join(dir, 'main.tf'),
        `module "safe_eksctl" {\n  source = ${JSON.stringify(join(EXAMPLES, 'terraform', 'safe-eksctl'))}\n` +
          `  cluster_name = "fargate-demo"\n  region = "${s.region}"\n  fargate_profiles = ["fp-default", "fp-kube-system"]\n}\n`,
      );
      writeFileSync(join(dir, 'terraformrc'), '');
      // CHECKPOINT_DISABLE: terraform asks HashiCorp for new versions unless told not to; nothing leaves this machine.
      const tfEnv = { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(dir, 'terraformrc') };
      const terraform = (...args: string[]) =>
        execa(commandPath('terraform')!, [...args, '-no-color'], { cwd: dir, env: tfEnv, extendEnv: false, reject: false, timeout: 120_000 });

      const init = await terraform('init');
      expect(init.exitCode, init.stderr).toBe(0);
      const applied = await terraform('apply', '-auto-approve');
      expect(applied.exitCode, `${applied.stdout}\n${applied.stderr}`).toBe(0);
      expect(applied.stdout).toMatch(/terraform_data\.heal \(local-exec\): CoreDNS: 2\/2 ready; 2 stuck before; restarted once/);
      expect(applied.stdout).toContain('terraform_data.check (local-exec): Cluster "fargate-demo" in us-west-2: healthy');

      const writesBefore = writes(s.kubeRequestsByMethod());
      const again = await terraform('apply', '-auto-approve');
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes.');
      expect(writes(s.kubeRequestsByMethod())).toBe(writesBefore);
    },
    SCENARIO_TEST_TIMEOUT_MS,
  );

  it('after-deploy.sh (the CDK and Pulumi note) heals CoreDNS, gates on check, and changes nothing the second time', async () => {
    const { s, dir, env } = await strandedCluster();
    const afterDeploy = () =>
      execa('sh', [join(EXAMPLES, 'after-deploy.sh')], { cwd: dir, env: { ...env, CLUSTER: 'fargate-demo', REGION: s.region }, extendEnv: false, reject: false });
    const first = await afterDeploy();
    expect(first.exitCode, `${first.stdout}\n${first.stderr}`).toBe(0);
    expect(first.stdout).toMatch(/CoreDNS: 2\/2 ready; 2 stuck before; restarted once/);
    expect(first.stdout).toContain('Workloads: nothing stranded');
    expect(first.stdout).toContain('Cluster "fargate-demo" in us-west-2: healthy');

    const writesBefore = writes(s.kubeRequestsByMethod());
    const second = await afterDeploy();
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain('CoreDNS: 2/2 ready; 0 stuck before; not restarted (nothing was stuck)');
    expect(writes(s.kubeRequestsByMethod())).toBe(writesBefore);
  }, SCENARIO_TEST_TIMEOUT_MS);
});
