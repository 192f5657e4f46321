// Telling "this machine cannot reach the API server" from a passing network error: only on an endpoint DescribeCluster
// reports as restricted, and only before anything has answered.
import { describe, expect, it } from 'vitest';
import type { ClusterInfo } from '../../src/adapters/eks.js';
import { KubeApiError } from '../../src/adapters/kube.js';
import { ApiServerUnreachableError, endpointRestriction, failFastWhenUnreachable, isConnectFailure } from '../../src/adapters/reach.js';

const base: ClusterInfo = {
  name: 'c',
  endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
  caData: '',
  status: 'ACTIVE',
  version: '1.31',
  autoMode: false,
  autoModeNodePools: [],
  endpointPublicAccess: true,
  publicAccessCidrs: ['0.0.0.0/0'],
};
const privateOnly = { ...base, endpointPublicAccess: false };
const connectError = (code: string) => new KubeApiError(undefined, `list pods: request failed, reason: ${code}`, { cause: Object.assign(new Error(code), { code }) });

/** A client whose calls answer (or fail) as scripted, in order. */
function scripted(...answers: (Error | string)[]) {
  let call = 0;
  return {
    calls: () => call,
    listPods: async () => {
      const answer = answers[Math.min(call++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('isConnectFailure', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT'])('%s, however deep in the causes', (code) => {
    expect(isConnectFailure(connectError(code))).toBe(true);
    expect(isConnectFailure(new Error('outer', { cause: connectError(code) }))).toBe(true);
  });

  it('a deadline (TimeoutError) counts; an HTTP answer or another error does not', () => {
    expect(isConnectFailure(new KubeApiError(undefined, 'timed out', { cause: new DOMException('timed out', 'TimeoutError') }))).toBe(true);
    expect(isConnectFailure(new KubeApiError(503, 'HTTP 503'))).toBe(false);
    expect(isConnectFailure(new Error('self-signed certificate'))).toBe(false);
  });
});

describe('failFastWhenUnreachable', () => {
  it('names the endpoint and where to run from, exit 6, at the first refused connection of a private endpoint', async () => {
    const client = scripted(connectError('ECONNRESET'));
    const guarded = failFastWhenUnreachable(client, privateOnly, 'eu-west-1');
    const error = await guarded.listPods().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiServerUnreachableError);
    expect(error).toMatchObject({
      exitCode: 6,
      endpoint: privateOnly.endpoint,
      message:
        'cannot reach the Kubernetes API of cluster "c" at https://ABC.gr7.eu-west-1.eks.amazonaws.com: its endpoint is private ' +
        '(endpointPublicAccess: false), reachable only from inside the cluster VPC; run safe-eksctl heal --cluster c --region eu-west-1 ' +
        'from inside the VPC (or a peered VPC, VPN or Direct Connect)',
    });
  });

  it('once the endpoint has answered (even with an error status), a dropped connection is an ordinary retryable error', async () => {
    const afterAnswer = failFastWhenUnreachable(scripted('pods', connectError('ECONNRESET')), privateOnly, 'eu-west-1');
    await afterAnswer.listPods();
    await expect(afterAnswer.listPods()).rejects.toBeInstanceOf(KubeApiError);
    const afterStatus = failFastWhenUnreachable(scripted(new KubeApiError(500, 'HTTP 500'), connectError('ECONNRESET')), privateOnly, 'eu-west-1');
    await expect(afterStatus.listPods()).rejects.toMatchObject({ status: 500 });
    await expect(afterStatus.listPods()).rejects.toBeInstanceOf(KubeApiError);
  });

  it('leaves an endpoint open to every address alone; publicAccessCidrs that are not is restricted too', async () => {
    const open = scripted(connectError('ECONNREFUSED'));
    expect(failFastWhenUnreachable(open, base, 'eu-west-1')).toBe(open);
    expect(endpointRestriction(base)).toBeUndefined();
    const cidrs = { ...base, publicAccessCidrs: ['203.0.113.0/24'] };
    expect(endpointRestriction(cidrs)).toBe('its public endpoint admits only 203.0.113.0/24 (publicAccessCidrs), and this machine may be outside them');
    await expect(failFastWhenUnreachable(scripted(connectError('ETIMEDOUT')), cidrs, 'eu-west-1').listPods()).rejects.toBeInstanceOf(ApiServerUnreachableError);
  });
});
