import { describe, expect, it } from 'vitest';
import { SafeEksctlError } from '../src/errors.js';
import { buildReport, formatDuration, formatJsonReport, formatSummary, probeLine, restartCount, RunRecorder } from '../src/report.js';

describe('formatDuration', () => {
  it.each([
    [850, '850ms'],
    [42_400, '42s'],
    [185_000, '3m05s'],
    [3_720_000, '1h02m'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('RunRecorder', () => {
  it('records phases with status and duration, profiles once each, and CoreDNS', async () => {
    let now = 0;
    const run = new RunRecorder('demo', () => now);
    await run.phase('eksctl create cluster', async () => {
      now += 1_000;
    });
    await expect(
      run.phase('Wait for Fargate profiles', async () => {
        now += 2_500;
        throw new SafeEksctlError('Fargate profile "fp" is CREATE_FAILED', 3);
      }),
    ).rejects.toThrow('CREATE_FAILED');
    run.skipPhase('Heal CoreDNS', 'an earlier phase failed');
    run.profile({ name: 'fp', status: 'CREATING', waitedMs: 1_000, polls: 2 });
    run.profile({ name: 'fp', status: 'CREATE_FAILED', waitedMs: 2_500, polls: 3 });
    const report = run.report(3, new SafeEksctlError('Fargate profile "fp" is CREATE_FAILED', 3));
    expect(report).toEqual({
      ok: false,
      exitCode: 3,
      cluster: 'demo',
      phases: [
        { name: 'eksctl create cluster', status: 'ok', durationMs: 1_000 },
        { name: 'Wait for Fargate profiles', status: 'failed', durationMs: 2_500, detail: 'Fargate profile "fp" is CREATE_FAILED' },
        { name: 'Heal CoreDNS', status: 'skipped', durationMs: 0, detail: 'an earlier phase failed' },
      ],
      profiles: [{ name: 'fp', status: 'CREATE_FAILED', waitedMs: 2_500, polls: 3 }],
      coredns: null,
      workloads: null,
      warnings: [],
      error: 'Fargate profile "fp" is CREATE_FAILED',
    });
  });
});

describe('formats', () => {
  const run = new RunRecorder('demo', () => 0);
  run.phases.push({ name: 'Heal CoreDNS', status: 'ok', durationMs: 65_000 });
  run.profile({ name: 'fp-coredns', status: 'ACTIVE', waitedMs: 121_000, polls: 1 });
  run.coredns = { desired: 2, ready: 2, stuckBefore: 2, restarts: 1, annotationRemoved: true, probes: 4, restartProbes: [{ probe: 'fargate', profile: 'fp-coredns' }] };
  const report = run.report(0);

  it('the JSON report is one parseable document with the contract fields', () => {
    const parsed = JSON.parse(formatJsonReport(report)) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['ok', 'exitCode', 'cluster', 'phases', 'profiles', 'coredns', 'workloads', 'warnings']);
    expect(parsed['coredns']).toEqual({
      desired: 2,
      ready: 2,
      stuckBefore: 2,
      restarts: 1,
      annotationRemoved: true,
      probes: 4,
      restartProbes: [{ probe: 'fargate', profile: 'fp-coredns' }],
    });
  });

  it('the summary names phases, profiles and what happened to CoreDNS', () => {
    expect(formatSummary(report)).toBe(
      [
        'Cluster "demo" is ready.',
        'Phases:',
        '  Heal CoreDNS                 ok      1m05s',
        'Fargate profiles:',
        '  fp-coredns                   ACTIVE        waited 2m01s, 1 poll',
        'CoreDNS: 2/2 ready; 2 stuck before; restarted once, compute-type: ec2 annotation removed',
        '  Fargate probe: 4 dry runs; restart 1 after it said Fargate (profile fp-coredns)',
        '',
      ].join('\n'),
    );
  });

  it('says when the first restart came while eksctl still ran', () => {
    expect(restartCount({ restarts: 1 })).toBe('once');
    expect(restartCount({ restarts: 1, healedDuringEksctl: true })).toBe('once while eksctl ran');
    expect(restartCount({ restarts: 3, healedDuringEksctl: true })).toBe('3 times, the first while eksctl ran');
    const during = buildReport({
      ...report,
      coredns: { desired: 2, ready: 2, stuckBefore: 2, restarts: 1, annotationRemoved: false, healedDuringEksctl: true, probes: 0, restartProbes: [] },
    });
    expect(formatSummary(during)).toContain('CoreDNS: 2/2 ready; 2 stuck before; restarted once while eksctl ran\n');
    expect(JSON.parse(formatJsonReport(during)).coredns).toMatchObject({ restarts: 1, healedDuringEksctl: true });
  });

  it('says per restart what the probe answered, and why it was not used', () => {
    expect(probeLine({ probes: 0, restartProbes: [] })).toBe('');
    const mixed = probeLine({
      probes: 3,
      restartProbes: [{ probe: 'skipped' }, { probe: 'fargate' }],
      probeFallback: 'the dry-run probe was refused: HTTP 403',
    });
    expect(mixed).toBe('Fargate probe: 3 dry runs; restart 1 without it; restart 2 after it said Fargate; not used: the dry-run probe was refused: HTTP 403');
  });
});

describe('what a failed create left in AWS', () => {
  const report = buildReport({ cluster: 'demo', exitCode: 130, phases: [], profiles: [], coredns: null, error: 'interrupted' });
  const left = { cluster: 'demo', region: 'us-west-2', fargateProfiles: ['fp-default'], deleteCommand: 'eksctl delete cluster -f cluster.yaml' };

  it('is listed with the command that removes it, in the summary and the JSON report', () => {
    const withLeft = buildReport({ ...report, leftInAws: { ...left, clusterStatus: 'CREATING', checked: true } });
    expect(formatSummary(withLeft)).toContain(
      '\nLeft in AWS: cluster demo in us-west-2 (CREATING), Fargate profiles fp-default\n  to remove it: eksctl delete cluster -f cluster.yaml\n',
    );
    expect(JSON.parse(formatJsonReport(withLeft)).leftInAws).toEqual({ ...left, clusterStatus: 'CREATING', checked: true });
  });

  it('says "may be" when EKS could not be asked, or the cluster was not there yet', () => {
    const unchecked = buildReport({ ...report, leftInAws: { ...left, clusterStatus: null, checked: false, detail: 'could not look: no answer in time' } });
    expect(formatSummary(unchecked)).toContain('\nMay be left in AWS: cluster demo in us-west-2, Fargate profiles fp-default (could not look: no answer in time)\n');
    expect(formatSummary(report)).not.toMatch(/left in AWS/i);
  });
});
