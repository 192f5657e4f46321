// An eksctl that exists and is executable but cannot be started (a wrapper script whose interpreter is missing) is
// found out when its version is read, before any AWS call, not when eksctl create is due.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { eksctlVersion } from '../../src/adapters/eksctl.js';
import { startSimulator } from '../../src/sim/index.js';
import { EXAMPLES, runBin } from '../helpers/bin.js';

const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-unrunnable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const wrapper = join(dir, 'eksctl');
writeFileSync(wrapper, '#!/nonexistent/interpreter\nexec eksctl "$@"\n');
chmodSync(wrapper, 0o755);

it('eksctlVersion says it cannot run, as a usage error', async () => {
  await expect(eksctlVersion(wrapper)).rejects.toMatchObject({
    exitCode: 2,
    message: `cannot run eksctl ${wrapper}: the system cannot start it (a script whose interpreter is missing?)`,
  });
});

it('create stops in its first phase with exit 2, before the STS preflight', async () => {
  const sim = await startSimulator({ timeScale: 1 });
  try {
    const run = await runBin(['create', '-f', join(EXAMPLES, 'bug-report.yaml'), '--eksctl', wrapper, '--output', 'json'], { env: sim.env });
    expect(run.exitCode, String(run.stderr)).toBe(2);
    expect(String(run.stderr)).toContain(`safe-eksctl: cannot run eksctl ${wrapper}: the system cannot start it`);
    expect(JSON.parse(String(run.stdout))).toMatchObject({ ok: false, exitCode: 2, phases: [{ name: 'Config and plan', status: 'failed' }] });
    expect(sim.requestCounts).toEqual({});
  } finally {
    await sim.close();
  }
});
