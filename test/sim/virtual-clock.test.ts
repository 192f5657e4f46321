// The simulator's virtual clock: time stands still while anything in the process works (tracked work, HTTP requests
// in flight) and jumps from timer to timer while everything waits on it; a test can also step it by hand.
import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEksApi } from '../../src/adapters/eks.js';
import { createEksToken } from '../../src/adapters/token.js';
import { SimClock, VIRTUAL_EPOCH } from '../../src/sim/clock.js';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import { startSimulator } from '../../src/sim/index.js';
import { createSimCluster, simCredentials } from '../helpers/sim.js';

const clocks: SimClock[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const clock of clocks.splice(0)) clock.stop();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

function virtualClock(options: Parameters<typeof SimClock.virtual>[0] = {}): SimClock {
  const clock = SimClock.virtual(options);
  clocks.push(clock);
  return clock;
}

/** Real time, which a virtual clock cannot see passing. */
const realDelay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A plain HTTP server whose answer takes `answer` (real time, or the clock's). */
async function serve(answer: (req: IncomingMessage) => Promise<unknown>): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    void answer(req).then(() => res.end('ok'));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

describe('SimClock on virtual time', () => {
  it('stands still while nothing asks it to move; advance fires the timers due on the way, in order', async () => {
    const clock = virtualClock({ autoAdvance: false });
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.now() - VIRTUAL_EPOCH]), 2_000);
    clock.setTimeout(() => fired.push(['a', clock.now() - VIRTUAL_EPOCH]), 1_000);
    clock.setTimeout(() => fired.push(['c', clock.now() - VIRTUAL_EPOCH]), 2_000);
    const cancelled = clock.setTimeout(() => fired.push(['never', 0]), 1_500);
    clock.clearTimeout(cancelled);
    await realDelay(30);
    expect({ now: clock.now(), fired }).toEqual({ now: VIRTUAL_EPOCH, fired: [] });
    await clock.advance(1_500);
    expect(fired).toEqual([['a', 1_000]]);
    expect(clock.now()).toBe(VIRTUAL_EPOCH + 1_500);
    await clock.advance(10_000);
    expect(fired).toEqual([['a', 1_000], ['b', 2_000], ['c', 2_000]]);
    expect(clock.now()).toBe(VIRTUAL_EPOCH + 11_500);
  });

  it('with auto-advance, jumps from sleep to sleep: simulated hours pass at once, each strand waking at its time', async () => {
    const clock = virtualClock();
    const woke: [string, number][] = [];
    const strand = async (name: string, sleeps: number[]) => {
      for (const ms of sleeps) {
        await clock.sleep(ms);
        woke.push([name, clock.now() - VIRTUAL_EPOCH]);
      }
    };
    const started = Date.now();
    await Promise.all([strand('poller', [5_000, 5_000, 5_000]), strand('eksctl', [7_200_000]), strand('webhook', [12_000])]);
    expect(woke).toEqual([
      ['poller', 5_000],
      ['poller', 10_000],
      ['webhook', 12_000],
      ['poller', 15_000],
      ['eksctl', 7_200_000],
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not move while tracked work runs, even when that work waits on real time the clock cannot see', async () => {
    const clock = virtualClock();
    const seen: number[] = [];
    const sleeper = clock.sleep(1_000).then(() => seen.push(clock.now() - VIRTUAL_EPOCH));
    await clock.track(async () => {
      await realDelay(50);
      seen.push(clock.now() - VIRTUAL_EPOCH);
      // Sleeping on the clock is waiting: time goes on meanwhile.
      await clock.sleep(3_000);
      seen.push(clock.now() - VIRTUAL_EPOCH);
    });
    await sleeper;
    expect(seen).toEqual([0, 1_000, 3_000]);
  });

  it('does not move while an HTTP request is in flight, however long its answer takes in real time', async () => {
    const clock = virtualClock();
    const url = await serve(() => realDelay(100));
    const seen: [string, number][] = [];
    const sleeper = clock.sleep(1_000).then(() => seen.push(['slept', clock.now() - VIRTUAL_EPOCH]));
    // Not tracked: the request alone holds the clock.
    await get(url);
    seen.push(['answered', clock.now() - VIRTUAL_EPOCH]);
    await sleeper;
    expect(seen).toEqual([['answered', 0], ['slept', 1_000]]);
  });

  it('goes on while a server of this process holds a request on the clock, and the answer comes at its simulated time', async () => {
    const clock = virtualClock();
    const url = await serve((req) => clock.sleepInRequest(req, 5_000));
    const answered = await clock.track(async () => {
      await get(url);
      return clock.now() - VIRTUAL_EPOCH;
    });
    expect(answered).toBe(5_000);
  });

  it('a sleep ends early when its signal aborts, and its timer does not hold the clock back', async () => {
    const clock = virtualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
    expect(clock.pendingTimers()).toBe(0);
    expect(clock.now()).toBe(VIRTUAL_EPOCH);
  });
});

describe('token-ttl on virtual time', () => {
  /** The status of a GET of the namespaces with this bearer token. */
  function status(server: string, ca: string, token: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      httpsRequest(`${server}/api/v1/namespaces`, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
        .on('error', reject)
        .end();
    });
  }

  it('counts a token\'s simulated age from its first use; refused for its age, the same string re-signed in the same real second is new', async () => {
    const sim = await startSimulator({ virtualTime: true, faults: ['token-ttl=60'] });
    try {
      createSimCluster(sim, 'demo', '1.31');
      const ca = readFileSync(sim.caFile, 'utf8');
      // Real time hardly moves on virtual time: both signings fall in the same second, so X-Amz-Date and the token match.
      const signedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      const sign = async () => (await createEksToken({ clusterName: 'demo', region: sim.region, credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY }, now: signedAt })).token;
      const token = await sign();
      const seen = await sim.clock.track(async () => {
        const first = await status(sim.kubeServer, ca, token);
        await sim.clock.sleep(30_000);
        const young = await status(sim.kubeServer, ca, token);
        await sim.clock.sleep(31_000);
        const old = await status(sim.kubeServer, ca, token);
        const again = await sign();
        return { first, young, old, again: await status(sim.kubeServer, ca, again), same: again === token };
      });
      expect(seen).toEqual({ first: 200, young: 200, old: 401, again: 200, same: true });
    } finally {
      await sim.close();
    }
  });
});

describe('the product\'s AWS calls on virtual time', () => {
  it('the clock waits while a call waits out its SDK retries in real time, though eksctl beside it sleeps on the clock', async () => {
    const sim = await startSimulator({ virtualTime: true, faults: ['eks-5xx=1'] });
    try {
      // As the session wires it for a test (ClusterDeps.awsCall): each call, its retries included, is work.
      const eks = createEksApi({ region: sim.region, credentials: simCredentials, endpoint: sim.eksEndpoint, around: (call) => sim.clock.track(call) });
      const moved = await sim.clock.track(async () => {
        // eksctl's run beside the product's poll: work of the same command, asleep on the clock.
        const eksctl = sim.clock.track(() => sim.clock.sleep(60_000));
        const before = sim.clock.now();
        // Every attempt gets a 500: the SDK pauses between them on the real clock, where no request is in flight.
        await expect(eks.describeCluster('demo')).rejects.toThrow();
        const after = sim.clock.now();
        await eksctl;
        return after - before;
      });
      expect(moved).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('the pause before each retry is the one the session was given (none on virtual time), the attempts the same', async () => {
    const sim = await startSimulator({ virtualTime: true, faults: ['eks-5xx=1'] });
    try {
      const asked: number[] = [];
      const retryDelayMs = (attempt: number) => (asked.push(attempt), 0);
      const eks = createEksApi({ region: sim.region, credentials: simCredentials, endpoint: sim.eksEndpoint, retryDelayMs });
      await expect(sim.clock.track(() => eks.describeCluster('demo'))).rejects.toThrow();
      expect({ asked: asked.length, attempts: sim.requestCounts['DescribeCluster'] }).toEqual({ asked: 3, attempts: 4 });
    } finally {
      await sim.close();
    }
  });
});
