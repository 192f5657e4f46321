// Unsigned requests get the 403 AWS gives them; STS GetCallerIdentity answers the simulator's identity on the same
// port, in the query protocol the real @aws-sdk/client-sts speaks.
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_ACCESS_KEY_ID, SIM_ACCOUNT_ID, SIM_CALLER_ARN, SIM_REGION, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import { createEksToken } from '../../src/adapters/token.js';
import { startTestEks, type TestEks } from '../helpers/eks-helpers.js';

let eks: TestEks;
beforeEach(async () => {
  eks = await startTestEks({ faults: { eksThrottle: 1 } });
});
afterEach(async () => {
  await eks.close();
});

describe('authentication and STS', () => {
  it('refuses an unsigned EKS request with 403 MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${eks.server.url}/clusters/demo`);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(eks.server.requestCounts.DescribeCluster).toBe(1);
  });

  it('refuses a malformed Authorization header the same way', async () => {
    const response = await fetch(`${eks.server.url}/clusters`, { headers: { authorization: 'Bearer abc' } });
    expect(response.status).toBe(403);
  });

  it('checks signatures made with the simulator key: a wrong secret gets 403 InvalidSignatureException', async () => {
    const eksWith = (accessKeyId: string, secretAccessKey: string) =>
      new EKSClient({ endpoint: eks.server.url, region: SIM_REGION, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    const wrong = eksWith(SIM_ACCESS_KEY_ID, 'not-the-secret');
    const error = (await wrong.send(new ListClustersCommand({})).catch((e: unknown) => e)) as Error & {
      $metadata: { httpStatusCode: number };
    };
    wrong.destroy();
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toMatch(/signature we calculated does not match/);

    // Someone else's key is not the simulator's to judge; the request goes on (to the throttling fault here).
    const other = eksWith('AKIAOTHERKEY00000000', 'whatever');
    const otherError = (await other.send(new ListClustersCommand({})).catch((e: unknown) => e)) as Error;
    other.destroy();
    expect(otherError.name).toBe('ThrottlingException');
  });

  it('answers GetCallerIdentity to the real STS client, untouched by EKS faults', async () => {
    const sts = new STSClient({
      endpoint: eks.server.url,
      region: SIM_REGION,
      credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
      maxAttempts: 1,
    });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(identity).toMatchObject({ Account: SIM_ACCOUNT_ID, Arn: SIM_CALLER_ARN, UserId: expect.stringMatching(/^AIDA/) });
    expect(eks.server.requestCounts.GetCallerIdentity).toBe(1);

    const wrong = new STSClient({
      endpoint: eks.server.url,
      region: SIM_REGION,
      credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    });
    const error = (await wrong.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e)) as Error;
    wrong.destroy();
    expect(error.name).toBe('SignatureDoesNotMatch');
  });

  it('answers the GET form of a presigned GetCallerIdentity URL (an EKS token) and refuses it unsigned', async () => {
    const { token } = await createEksToken({
      clusterName: 'demo',
      region: SIM_REGION,
      credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
    });
    const presigned = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
    const local = `${eks.server.url}/${presigned.search}`;
    const answer = await fetch(local, { headers: { 'x-k8s-aws-id': 'demo' } });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain(`<Account>${SIM_ACCOUNT_ID}</Account>`);
    const unsigned = await fetch(`${eks.server.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});
