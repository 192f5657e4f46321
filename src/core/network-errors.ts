// A request that got no answer is not a refusal. "AWS credentials were not accepted" for a connection refused sends
// people to rotate keys while their proxy is down; so every failure to reach an endpoint is named for what it is —
// refused, no DNS, TLS, no answer in time — with the host, and only a real answer from the service speaks of
// credentials or permissions.

export type NetworkFailureKind = 'refused' | 'dns' | 'tls' | 'no connection' | 'no answer' | 'reset' | 'unreachable';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** In a few words, with the system's code: `connection refused (ECONNREFUSED)`. */
  what: string;
}

const BY_CODE: Record<string, [NetworkFailureKind, string]> = {
  ECONNREFUSED: ['refused', 'connection refused'],
  ENOTFOUND: ['dns', 'no such host (DNS)'],
  EAI_AGAIN: ['dns', 'DNS lookup failed, try again later'],
  EAI_FAIL: ['dns', 'DNS lookup failed'],
  ECONNRESET: ['reset', 'connection reset'],
  EPIPE: ['reset', 'connection closed while sending'],
  ETIMEDOUT: ['no answer', 'connection timed out'],
  EHOSTUNREACH: ['unreachable', 'host unreachable'],
  ENETUNREACH: ['unreachable', 'network unreachable'],
  ENETDOWN: ['unreachable', 'network down'],
  EHOSTDOWN: ['unreachable', 'host down'],
};

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'EPROTO',
]);

/** The system code of an error or of its cause (client-node and the SDK wrap Node's errors differently). */
function codeOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

/** What kind of network failure this is, or undefined for anything else (an answer from the service, a bug). */
export function networkFailure(error: unknown): NetworkFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  // The AWS SDK's own deadlines (NodeHttpHandler): connect, then the request as a whole, then an idle socket.
  if (error.name === 'TimeoutError') {
    const ms = /(\d+) ?ms/.exec(error.message)?.[1];
    const within = ms === undefined ? '' : ` within ${seconds(Number(ms))}`;
    return /establish a connection/.test(error.message)
      ? { kind: 'no connection', what: `no connection${within}` }
      : { kind: 'no answer', what: `no answer${within}` };
  }
  const code = codeOf(error);
  if (code === undefined) return undefined;
  const known = BY_CODE[code];
  if (known) return { kind: known[0], what: `${known[1]} (${code})` };
  if (TLS_CODES.has(code) || /^(ERR_TLS_|ERR_SSL_|CERT_)/.test(code)) return { kind: 'tls', what: `TLS failed: ${code}` };
  return undefined;
}

/** `cannot reach EKS at eks.us-west-2.amazonaws.com: connection refused (ECONNREFUSED)`. */
export function cannotReach(service: string, host: string | undefined, failure: NetworkFailure): string {
  return `cannot reach ${service}${host ? ` at ${host}` : ''}: ${failure.what}`;
}

/** 30000 → "30s", 1500 → "1.5s". */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}
