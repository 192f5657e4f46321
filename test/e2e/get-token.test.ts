import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createEksToken } from '../../src/adapters/token.js';
import { hasCommand } from '../helpers/commands.js';
import { closedPort } from '../helpers/network.js';

const credentials = { accessKeyId: 'AKIAGETTOKENTEST0000', secretAccessKey: 'get-token-test-secret-not-a-real-key' };
const env = {
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
};
const bin = new URL('../../bin/safe-eksctl.js', import.meta.url).pathname;

interface ExecCredential {
  kind: string;
  apiVersion: string;
  spec: object;
  status: { expirationTimestamp: string; token: string };
}

function presignedUrl(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

describe('get-token', () => {
  it('prints an ExecCredential with a presigned GetCallerIdentity URL for the cluster', async () => {
    const result = await execa('node', [bin, 'get-token', '--cluster-name', 'demo', '--region', 'eu-west-1'], {
      env,
      extendEnv: false,
      reject: false,
    });
    expect(result.exitCode).toBe(0);
    const credential = JSON.parse(result.stdout) as ExecCredential;
    expect(credential.kind).toBe('ExecCredential');
    expect(credential.apiVersion).toBe('client.authentication.k8s.io/v1beta1');
    const url = presignedUrl(credential.status.token);
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    const signedAt = url.searchParams.get('X-Amz-Date')!;
    const expires = Date.parse(credential.status.expirationTimestamp);
    const signed = Date.parse(signedAt.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z'));
    expect(expires - signed).toBe(14 * 60_000);
    expect(result.stderr).not.toContain(credentials.secretAccessKey);
  });

  it('without any region says how to give one, exit 2', async () => {
    const result = await execa('node', [bin, 'get-token', '--cluster-name', 'demo'], { env, extendEnv: false, reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'safe-eksctl: no AWS region: pass --region, set AWS_REGION or set region in your AWS profile',
    );
  });

  it('--role-arn with an STS that cannot be reached: exit 1 naming it, the credentials not blamed', async () => {
    const refused = await closedPort();
    const result = await execa('node', [bin, 'get-token', '--cluster-name', 'demo', '--region', 'us-west-2', '--role-arn', 'arn:aws:iam::000000000000:role/r'], {
      env: { ...env, AWS_ENDPOINT_URL_STS: `http://${refused}` },
      extendEnv: false,
      reject: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(`safe-eksctl: no AWS credentials: cannot reach STS at ${refused}: connection refused (ECONNREFUSED)`);
  });

  describe.skipIf(!hasCommand('aws'))('against the AWS CLI', () => {
    it('makes the same token as `aws eks get-token` for the same credentials and signing time', async () => {
      const aws = await execa('aws', ['eks', 'get-token', '--cluster-name', 'demo', '--region', 'us-west-2', '--output', 'json'], {
        env: { ...env, PATH: process.env.PATH },
        extendEnv: false,
      });
      const theirs = JSON.parse(aws.stdout) as ExecCredential;
      const signedAt = presignedUrl(theirs.status.token).searchParams.get('X-Amz-Date')!;
      const now = new Date(signedAt.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z'));
      const ours = await createEksToken({ clusterName: 'demo', region: 'us-west-2', credentials, now });
      expect(ours.token).toBe(theirs.status.token);
      // The AWS CLI reads the clock again for the expiry, so on a busy machine it can be seconds past the signing; an
    // expiry computed wrongly is off by minutes.
      const skewMs = Date.parse(theirs.status.expirationTimestamp) - ours.expiresAt.getTime();
      expect(skewMs).toBeGreaterThanOrEqual(0);
      expect(skewMs).toBeLessThanOrEqual(10_000);
    });
  });
});
