// The standalone executable (`npm run build:binary`), built once for this file into a temporary directory and run
// with an empty PATH and from a directory outside the checkout: no node, no eksctl, no kubectl it could find. Its
// `demo` and `sim` start the simulated eksctl through the executable itself.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { EXAMPLES, ROOT } from '../helpers/bin.js';
import { SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';

/** scripts/build-binary.js exits with this when the machine cannot build it (not Linux, a node without the fuse). */
const CANNOT_BUILD_HERE = 3;
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let binary: string | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'safe-eksctl-standalone-'));
  const built = await execa(process.execPath, [join(ROOT, 'scripts', 'build-binary.js'), '--out', work], { reject: false, cwd: ROOT });
  if (built.exitCode === CANNOT_BUILD_HERE) {
    console.warn(`skipping the standalone executable's tests: ${built.stderr.trim()}`);
    return;
  }
  expect(built.exitCode, built.stderr).toBe(0);
  binary = join(work, `safe-eksctl-${process.platform}-${process.arch}`);
  copyFileSync(join(EXAMPLES, 'bug-report.yaml'), join(work, 'cluster.yaml'));
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The executable with these arguments, PATH empty, HOME and the kubeconfig in the scratch directory. */
function standalone(context: TestContext, args: string[], env: Record<string, string> = {}, { timeout = 120_000 } = {}) {
  if (binary === undefined) context.skip();
  return execa(binary!, args, {
    cwd: work,
    reject: false,
    extendEnv: false,
    timeout,
    env: { PATH: '', HOME: work, KUBECONFIG: join(work, 'kubeconfig'), ...env },
  });
}

describe('the standalone executable, with no Node on PATH', () => {
  it('answers --version, plan and a pass-through', async (context) => {
    const version = await standalone(context, ['--version']);
    expect([version.exitCode, version.stdout, version.stderr]).toEqual([0, VERSION, '']);
    const plan = await standalone(context, ['plan', '-f', 'cluster.yaml', '--eksctl-version', '0.207.0']);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Plan for cluster "fargate-demo" in us-west-2 (Kubernetes 1.31), eksctl 0.207.0');
    const passThrough = await standalone(context, ['--eksctl', '/bin/false', 'get', 'cluster']);
    expect(passThrough.exitCode).toBe(1);
    const noEksctl = await standalone(context, ['get', 'cluster']);
    expect([noEksctl.exitCode, noEksctl.stderr]).toEqual([2, 'safe-eksctl: eksctl not found on PATH; install it or pass --eksctl']);
  });

  it('runs the demo, the simulated eksctl started through the executable itself', async (context) => {
    // Deadlines far beyond need: the demo's are 6 and 12 real seconds at its time scale.
    const demo = await standalone(context, ['demo', '--coredns-timeout', '2h', '--fargate-timeout', '2h']);
    expect(demo.exitCode, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toContain('Preflight: eksctl 0.207.0, AWS account 000000000000');
    expect(demo.stdout).toMatch(/CoreDNS: 2\/2 ready; 2 stuck before; restarted once( while eksctl ran)?\n/);
    expect(demo.stdout).toContain('Cluster "fargate-demo" is ready.');
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('runs its own simulator, then create, check, heal and get-token against it', async (context) => {
    const sim = standalone(context, ['sim', '--time-scale', '0.005', '--eksctl-version', '0.207.0'], {}, { timeout: 240_000 });
    try {
      const ready = await new Promise<{ eksctl: string; env: Record<string, string> }>((resolve, reject) => {
        sim.stdout?.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()) as { eksctl: string; env: Record<string, string> }));
        sim.once('exit', () => reject(new Error('sim exited before it was ready')));
      });
      // The simulated eksctl is the executable, through a link in the simulator's own directory.
      expect(realpathSync(ready.eksctl)).toBe(binary);

      const created = await standalone(context, ['create', '-f', 'cluster.yaml'], ready.env);
      expect(created.exitCode, `${created.stdout}\n${created.stderr}`).toBe(0);
      expect(created.stdout).toMatch(/CoreDNS: 2\/2 ready; 2 stuck before; restarted once/);
      const checked = await standalone(context, ['check', '--cluster', 'fargate-demo'], ready.env);
      expect([checked.exitCode, checked.stderr]).toEqual([0, '']);
      expect(checked.stdout).toContain('Cluster "fargate-demo" in us-west-2: healthy');
      const healed = await standalone(context, ['heal', '--cluster', 'fargate-demo'], ready.env);
      expect([healed.exitCode, healed.stderr]).toEqual([0, '']);
      expect(healed.stdout).toContain('CoreDNS: 2/2 ready; 0 stuck before; not restarted (nothing was stuck)');
      const token = await standalone(context, ['get-token', '--cluster-name', 'fargate-demo'], ready.env);
      expect(token.exitCode, token.stderr).toBe(0);
      expect(JSON.parse(token.stdout)).toMatchObject({ kind: 'ExecCredential', status: { token: expect.stringMatching(/^k8s-aws-v1\./) } });

      sim.kill('SIGINT');
      await sim;
      expect(existsSync(ready.eksctl)).toBe(false);
    } finally {
      sim.kill('SIGKILL');
    }
  }, SCENARIO_TEST_TIMEOUT_MS);
});
