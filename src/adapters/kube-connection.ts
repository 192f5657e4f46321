// One kept-open connection for all of a client's requests. client-node 1.4 makes a new https.Agent for every request
// (KubeConfig.applySecurityAuthentication → createAgent), so each request opens its own TCP connection and does a
// whole TLS handshake: a heal that polls CoreDNS every few seconds paid one per poll (40 for 40 requests in
// test/adapters/kube.test.ts). kubectl and the AWS SDK keep their connections open; so do we, as they do.
import { Agent } from 'node:https';
import type { Agent as HttpAgent } from 'node:http';

/** What applySecurityAuthentication puts into an agent: the same values make the same connection. */
const TLS_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/**
 * A connection unused this long is closed by us: before the 350 s after which an AWS load balancer or NAT gateway
 * drops an idle connection without a word, which would fail the next request sent on it.
 */
export const IDLE_CONNECTION_MS = 60_000;

type AnyAgent = HttpAgent | Agent | undefined;

/**
 * Swaps each request's fresh agent for a kept-alive one with the same TLS options, made once (again when the
 * options change: an exec plugin's client certificate renewed). A proxy agent or a plain-HTTP one is left as it is.
 */
export function keptConnections(): (agent: AnyAgent) => AnyAgent {
  let kept: { key: string; agent: Agent } | undefined;
  return (agent) => {
    if (agent?.constructor !== Agent) return agent;
    const options = (agent as Agent).options;
    const key = JSON.stringify(TLS_OPTIONS.map((name) => (options[name] === undefined ? null : String(options[name]))));
    // The sockets of an agent replaced here finish their request; idle ones do not hold the process open.
    if (kept?.key !== key) kept = { key, agent: new Agent({ ...options, keepAlive: true, timeout: IDLE_CONNECTION_MS }) };
    return kept.agent;
  };
}
