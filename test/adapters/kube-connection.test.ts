// Which agent a Kubernetes request goes out with (src/adapters/kube-connection.ts); that a heal really keeps one
// connection, and opens another when the server closes it, is shown against the simulator in kube.test.ts.
import { Agent as HttpAgent } from 'node:http';
import { Agent } from 'node:https';
import { describe, expect, it } from 'vitest';
import { IDLE_CONNECTION_MS, keptConnections } from '../../src/adapters/kube-connection.js';

describe('keptConnections', () => {
  it("gives every request with the same TLS options one kept-alive agent, and a new one when they change", () => {
    const keep = keptConnections();
    const first = keep(new Agent({ ca: 'CA', rejectUnauthorized: true }));
    expect(first).toBeInstanceOf(Agent);
    expect((first as Agent).options).toMatchObject({ ca: 'CA', keepAlive: true, timeout: IDLE_CONNECTION_MS });
    expect(keep(new Agent({ ca: 'CA', rejectUnauthorized: true }))).toBe(first);
    const renewed = keep(new Agent({ ca: 'CA', rejectUnauthorized: true, cert: 'new', key: 'new' }));
    expect(renewed).not.toBe(first);
    expect((renewed as Agent).options).toMatchObject({ cert: 'new', key: 'new' });
  });

  it('leaves a plain-HTTP agent, a proxy agent and no agent as they are', () => {
    const keep = keptConnections();
    const http = new HttpAgent();
    class ProxyAgent extends Agent {}
    const proxy = new ProxyAgent();
    expect(keep(http)).toBe(http);
    expect(keep(proxy)).toBe(proxy);
    expect(keep(undefined)).toBeUndefined();
  });
});
