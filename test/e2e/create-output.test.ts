// What `safe-eksctl create` prints, end to end against the simulator: one JSON document on stdout with --output json,
// every eksctl line in --log-file, the config from stdin, --no-heal's reason, a summary in text mode, and never a
// credential or a token. In this process on virtual time (helpers/scenario-in-process.ts): what is printed goes to the
// same streams the bin would give it, and the bin's own streams are create-closed-reader.test.ts's case.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { runScenarioInProcess } from '../helpers/scenario-in-process.js';

describe('safe-eksctl create: output', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('-f - with --log-file and --no-heal: one JSON document on stdout, progress on stderr, every eksctl line logged', async () => {
    let log = '';
    const run = await runScenarioInProcess({
      eksctlVersion: '0.207.0',
      stdin: true,
      args: ['--log-file', 'eksctl.log', '--no-heal'],
      onEnd: (dir) => (log = readFileSync(join(dir, 'eksctl.log'), 'utf8')),
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.startsWith('{\n')).toBe(true);
    expect(run.stdout.endsWith('}\n')).toBe(true);
    expect(run.report).toMatchObject({ ok: true, exitCode: 0, coredns: null });
    // Real durations: only the demo marks its report as simulated.
    expect(run.report).not.toHaveProperty('simulated');
    expect(run.report?.phases.at(-1)).toEqual({ name: 'Heal CoreDNS', status: 'skipped', durationMs: 0, detail: '--no-heal: CoreDNS was left as it is' });
    expect(run.stderr).toContain('eksctl create cluster');
    expect(run.stderr).toContain('Wait for Fargate profiles');
    const lines = log.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(20);
    expect(lines[0]).toMatch(/\[ℹ\] {2}eksctl version 0\.207\.0$/);
    expect(lines.at(-1)).toMatch(/\[✔\] {2}EKS cluster "fargate-demo" in "us-west-2" region is ready$/);
    // Not a TTY, so the simple renderer shows every line too, without eksctl's date.
    for (const line of lines) expect(run.stderr).toContain(line.replace(/^\d{4}-\d{2}-\d{2} /, ''));
    expect(run.stderr).not.toMatch(/› \[[\d:]+\] \d{4}-\d{2}-\d{2} /);
    expect(run.eksctlStillRunning).toBe(0);
    expectNoSecrets(run);
  });

  it('create cluster -f, text output at the highest verbosity: progress and summary on stdout, no credential or token', async () => {
    // eksctl 0.230.0 moves CoreDNS itself here, and logs each CoreDNS pod at -v 4.
    const run = await runScenarioInProcess({
      command: ['create', 'cluster'],
      config: 'no-labels.yaml',
      output: 'text',
      args: ['--more-lines', '-v', '4'],
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\[▶\] {2}/); // eksctl's debug lines: -v 4 reached it
    expect(run.stdout).toContain('Cluster "fargate-demo" is ready.\nPhases:\n  Config and plan ');
    expect(run.stdout).toMatch(/^ {2}fp-kube-system +ACTIVE +waited \S+, \d+ polls?$/m);
    expect(run.stdout).toContain('CoreDNS: 2/2 ready; 0 stuck before; not restarted (nothing was stuck)\n');
    expect(run.eksctlStillRunning).toBe(0);
    expectNoSecrets(run);
  });
});
