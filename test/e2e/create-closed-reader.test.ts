// A reader that goes away (`safe-eksctl create -f c.yaml | head -1`) must not stop the run halfway: eksctl runs to its
// end, the wait and the heal happen, and the exit code is the one the run earned. What was written after the pipe
// closed is dropped.
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../helpers/bin.js';
import { QUICK_TIME_SCALE, runScenario, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';

beforeAll(assertBuilt);

/** The bug report with eksctl 0.207.0: CoreDNS is stuck, so safe-eksctl has a restart to make after the reader goes. */
const BUG_REPORT = { timeScale: QUICK_TIME_SCALE, config: 'bug-report.yaml', eksctlVersion: '0.207.0' };

describe.concurrent('safe-eksctl create when its reader goes away', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('stdout closed after the first chunk (text output): eksctl finishes, CoreDNS is healed, exit 0', async () => {
    const run = await runScenario({ ...BUG_REPORT, output: 'text', closeAfterFirstChunk: 'stdout' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('EPIPE');
    // The summary came after the pipe closed: it was dropped, not half the run.
    expect(run.stdout).not.toContain('CoreDNS: 2/2 ready');
    // eksctl 0.207.0 leaves CoreDNS Pending: only safe-eksctl's one restart puts it on Fargate.
    expect(run.corednsInSim).toMatchObject({ patchedByEksctl: false, changesByOthers: 1, readyOnFargate: 2 });
    expect(run.leftover).toEqual([]);
  });

  it('stderr closed after the first chunk (JSON output, progress on stderr): the report on stdout is whole, exit 0', async () => {
    const run = await runScenario({ ...BUG_REPORT, closeAfterFirstChunk: 'stderr' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.report).toMatchObject({ ok: true, exitCode: 0, coredns: { desired: 2, ready: 2, stuckBefore: 2, restarts: 1 } });
    expect(run.corednsInSim?.readyOnFargate).toBe(2);
    expect(run.leftover).toEqual([]);
  });
});
