// The sim command's flag checks and its serve loop, in process.
import { describe, expect, it } from 'vitest';
import { serve, simSettings } from '../../src/commands/sim.js';
import { UsageError } from '../../src/errors.js';
import { captureIo } from '../helpers/io.js';

describe('sim command', () => {
  it('reads its flags', () => {
    const settings = simSettings({ timeScale: '0.05', fault: ['eks-5xx=0.1', 'webhook-latency=7', 'dry-run-refused=400'], port: '0', eksctlVersion: 'v0.207.0' });
    expect(settings).toMatchObject({ timeScale: 0.05, port: 0, eksctlVersion: '0.207.0' });
    expect(settings.faults).toMatchObject({ eks5xx: 0.1, webhookLatencySeconds: 7, dryRunRefused: 400 });
  });

  it.each([
    [{ fault: ['bogus'] }, /unknown fault/],
    [{ fault: ['eks-throttle=2'] }, /RATE/],
    [{ fault: ['dry-run-refused'] }, /CODE must be 403/],
    [{ fault: ['webhook-latency=soon'] }, /SECONDS/],
    [{ timeScale: '-1' }, /--time-scale/],
    [{ timeScale: 'fast' }, /--time-scale/],
    [{ port: '70000' }, /--port/],
    [{ port: 'abc' }, /--port/],
    [{ eksctlVersion: 'latest' }, /--eksctl-version/],
  ])('refuses %j with a usage error', (options, message) => {
    expect(() => simSettings(options)).toThrow(UsageError);
    expect(() => simSettings(options)).toThrow(message);
  });

  it('prints exactly one JSON line, then closes when stopped', async () => {
    const io = captureIo();
    const stop = new AbortController();
    const served = serve(simSettings({ timeScale: '0.01' }), io, stop.signal);
    await new Promise<void>((resolve) => io.stdout.once('data', () => resolve()));
    stop.abort();
    expect(await served).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ region: 'us-west-2', env: { SAFE_EKSCTL_SIM_TIME_SCALE: '0.01' } });
  });

  it('turns a taken --port into a usage error', async () => {
    const io = captureIo();
    const first = new AbortController();
    const running = serve(simSettings({}), io, first.signal);
    await new Promise<void>((resolve) => io.stdout.once('data', () => resolve()));
    const port = new URL(JSON.parse(io.out()).eksEndpoint).port;
    await expect(serve(simSettings({ port }), io, new AbortController().signal)).rejects.toThrow(/already in use/);
    first.abort();
    expect(await running).toBe(0);
  });
});
