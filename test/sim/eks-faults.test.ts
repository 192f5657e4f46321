// EKS faults as the SDK meets them: throttling, server errors and dropped connections, at rate 1 and at a middle
// rate whose sequence is fixed by the seed.
import {
  AccessDeniedException,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  ListClustersCommand,
  ServerException,
  ThrottlingException,
} from '@aws-sdk/client-eks';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/sim/faults.js';
import { startTestEks, type TestEks } from '../helpers/eks-helpers.js';

let eks: TestEks | undefined;
afterEach(async () => {
  await eks?.close();
  eks = undefined;
});

async function outcomes(test: TestEks, calls: number): Promise<string[]> {
  const client = test.client();
  const seen: string[] = [];
  for (let i = 0; i < calls; i++) {
    seen.push(
      await client.send(new ListClustersCommand({})).then(
        () => 'ok',
        (error: Error) => error.name,
      ),
    );
  }
  return seen;
}

describe('EKS faults', () => {
  it('eks-throttle=1 answers ThrottlingException 429, and the SDK retries it', async () => {
    eks = await startTestEks({ faults: { eksThrottle: 1 } });
    const error = await eks.client().send(new DescribeClusterCommand({ name: 'demo' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(429);
    expect((error as ThrottlingException).message).toBe('Rate exceeded');
    expect(eks.server.requestCounts.DescribeCluster).toBe(1);

    await expect(eks.client({ maxAttempts: 3 }).send(new ListClustersCommand({}))).rejects.toBeInstanceOf(ThrottlingException);
    expect(eks.server.requestCounts.ListClusters).toBe(3);
  });

  it('eks-access-denied=OPERATION refuses that operation, and only it, with AccessDeniedException 403 (not retried)', async () => {
    eks = await startTestEks({ faults: { eksAccessDenied: ['DescribeFargateProfile'] } });
    const error = await eks
      .client()
      .send(new DescribeFargateProfileCommand({ clusterName: 'demo', fargateProfileName: 'fp-default' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect((error as AccessDeniedException).$metadata.httpStatusCode).toBe(403);
    expect((error as AccessDeniedException).message).toBe(
      'User: arn:aws:iam::000000000000:user/safe-eksctl-sim is not authorized to perform: eks:DescribeFargateProfile on resource: arn:aws:eks:us-west-2:000000000000:fargateprofile/demo/fp-default/*',
    );
    expect(eks.server.requestCounts.DescribeFargateProfile).toBe(1);
    // Other operations answer as usual: here, the cluster does not exist.
    await expect(eks.client().send(new DescribeClusterCommand({ name: 'demo' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('eks-5xx=1 answers ServerException 500', async () => {
    eks = await startTestEks({ faults: { eks5xx: 1 } });
    const error = await eks.client().send(new ListClustersCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerException);
    expect((error as ServerException).$metadata.httpStatusCode).toBe(500);
  });

  it('eks-reset=1 drops the connection without an answer', async () => {
    eks = await startTestEks({ faults: { eksReset: 1 } });
    const error = (await eks.client().send(new ListClustersCommand({})).catch((e: unknown) => e)) as Error & {
      code?: string;
      $metadata?: { httpStatusCode?: number };
    };
    expect(error).toBeInstanceOf(Error);
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${error.code} ${error.message}`).toMatch(/ECONNRESET|socket hang up/);
    expect(eks.server.requestCounts.ListClusters).toBe(1);
  });

  it('eks-throttle=0.5 fails exactly the calls its seeded draws pick', async () => {
    eks = await startTestEks({ faults: { eksThrottle: 0.5 }, randomSeed: 7 });
    const seen = await outcomes(eks, 20);
    const draw = seededRandom(7);
    const expected = Array.from({ length: 20 }, () => (draw() < 0.5 ? 'ThrottlingException' : 'ok'));
    expect(seen).toEqual(expected);
    expect(seen).toContain('ok');
    expect(seen).toContain('ThrottlingException');
    expect(eks.server.requestCounts.ListClusters).toBe(20);
  });

  it('a rate of 0 never fails', async () => {
    eks = await startTestEks({ faults: { eksThrottle: 0, eks5xx: 0, eksReset: 0 } });
    expect(await outcomes(eks, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });
});
