import { describe, expect, it } from 'vitest';
import { actionSummary } from '../src/action-summary.js';
import { buildReport } from '../src/report.js';

describe('the GitHub Action step summary', () => {
  it("puts the report back into the command's own text, under a heading with the exit code's meaning", () => {
    const report = buildReport({ exitCode: 4, cluster: 'c', phases: [], profiles: [], coredns: null, error: 'CoreDNS is not Ready after 10m00s' });
    expect(actionSummary('create', 4, JSON.stringify(report))).toBe(
      '### safe-eksctl create: exit 4 (CoreDNS did not become ready)\n\n```text\nCluster "c": failed (exit 4).\n  CoreDNS is not Ready after 10m00s\n```\n',
    );
  });

  it('says there is no report when the file is empty, not JSON, or of no known shape', () => {
    for (const text of ['', '{"ok": tr', '{}', '[]', 'null']) {
      expect(actionSummary('heal', 130, text)).toBe(
        "### safe-eksctl heal: exit 130 (interrupted)\n\nNo JSON report: the command stopped before it wrote one (see the step's log).\n",
      );
    }
  });
});
