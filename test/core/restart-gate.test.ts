import { describe, expect, it } from 'vitest';
import {
  ANSWER_FRESH_MS,
  newProbeGate,
  newProbeSupport,
  nextRestartStep,
  PROBE_INTERVAL_MS,
  recordProbe,
  restartMade,
  type ProbeOutcome,
} from '../../src/core/restart-gate.js';

const notYet: ProbeOutcome = { kind: 'answered', verdict: { kind: 'not-fargate', scheduler: 'default-scheduler' } };
const fargate: ProbeOutcome = { kind: 'answered', verdict: { kind: 'fargate', profile: 'fp-kube-system' } };

describe('nextRestartStep with the probe', () => {
  it('probes first, then at most once a second, and restarts on the first answer that says Fargate', () => {
    const gate = newProbeGate();
    const support = newProbeSupport();
    expect(nextRestartStep(gate, support, { now: 0, notBefore: 0 })).toEqual({ kind: 'probe' });
    recordProbe(gate, support, notYet, 0);
    expect(nextRestartStep(gate, support, { now: 0, notBefore: 0 })).toEqual({ kind: 'wait', untilMs: PROBE_INTERVAL_MS, why: 'webhook' });
    expect(nextRestartStep(gate, support, { now: 999, notBefore: 0 })).toMatchObject({ kind: 'wait' });
    expect(nextRestartStep(gate, support, { now: 1_000, notBefore: 0 })).toEqual({ kind: 'probe' });
    recordProbe(gate, support, fargate, 1_000);
    expect(nextRestartStep(gate, support, { now: 1_000, notBefore: 0 })).toEqual({ kind: 'restart', probe: { probe: 'fargate', profile: 'fp-kube-system' } });
    expect(gate.probes).toBe(2);
  });

  it('every restart asks again: the answer a restart relied on is spent', () => {
    const gate = newProbeGate();
    const support = newProbeSupport();
    recordProbe(gate, support, fargate, 0);
    restartMade(gate);
    expect(nextRestartStep(gate, support, { now: 5_000, notBefore: 5_000 })).toEqual({ kind: 'probe' });
  });

  it('the restart backoff holds even when the webhook already says Fargate; an old answer is asked again', () => {
    const gate = newProbeGate();
    const support = newProbeSupport();
    recordProbe(gate, support, fargate, 0);
    expect(nextRestartStep(gate, support, { now: 100, notBefore: 5_000 })).toEqual({ kind: 'wait', untilMs: 5_000, why: 'backoff' });
    expect(nextRestartStep(gate, support, { now: ANSWER_FRESH_MS, notBefore: 0 })).toMatchObject({ kind: 'restart' });
    expect(nextRestartStep(gate, support, { now: ANSWER_FRESH_MS + 1, notBefore: 0 })).toEqual({ kind: 'probe' });
  });

  it('a transient failure counts as a probe and is asked again a second later, without falling back', () => {
    const gate = newProbeGate();
    const support = newProbeSupport();
    recordProbe(gate, support, { kind: 'transient', why: 'HTTP 503' }, 0);
    expect(support.fallback).toBeUndefined();
    expect(nextRestartStep(gate, support, { now: 500, notBefore: 0 })).toEqual({ kind: 'wait', untilMs: 1_000, why: 'webhook' });
    expect(nextRestartStep(gate, support, { now: 1_000, notBefore: 0 })).toEqual({ kind: 'probe' });
    expect(gate.probes).toBe(1);
  });
});

describe('nextRestartStep without the probe (the fallback)', () => {
  it('a refusal turns the probe off for every owner of the run, and the guess runs: grace first, then the backoff', () => {
    const coredns = newProbeGate();
    const support = newProbeSupport();
    recordProbe(coredns, support, { kind: 'refused', why: 'create pods: HTTP 403: forbidden' }, 0);
    expect(support.fallback).toBe('the dry-run probe was refused: create pods: HTTP 403: forbidden');
    expect(nextRestartStep(coredns, support, { now: 0, notBefore: 0, fallbackNotBefore: 15_000 })).toEqual({ kind: 'wait', untilMs: 15_000, why: 'grace' });
    expect(nextRestartStep(coredns, support, { now: 15_000, notBefore: 0, fallbackNotBefore: 15_000 })).toEqual({ kind: 'restart', probe: { probe: 'skipped' } });
    expect(nextRestartStep(coredns, support, { now: 16_000, notBefore: 20_000 })).toEqual({ kind: 'wait', untilMs: 20_000, why: 'backoff' });
    // Another owner never probes: the run already knows.
    const web = newProbeGate();
    expect(nextRestartStep(web, support, { now: 0, notBefore: 0 })).toEqual({ kind: 'restart', probe: { probe: 'skipped' } });
    expect(web.probes).toBe(0);
  });

  it('an unusable answer falls back too, and the first reason is the one kept', () => {
    const gate = newProbeGate();
    const support = newProbeSupport();
    recordProbe(gate, support, { kind: 'answered', verdict: { kind: 'unusable', why: 'no schedulerName' } }, 0);
    recordProbe(gate, support, { kind: 'refused', why: 'HTTP 400' }, 1_000);
    expect(support.fallback).toBe("the dry-run probe's answer is unusable: no schedulerName");
    expect(gate.verdict).toBeUndefined();
  });
});
