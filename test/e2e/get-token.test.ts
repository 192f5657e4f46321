import { execa } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEksToken, stsHostname } from '../../src/adapters/token.js';
import { main } from '../../src/cli.js';
import { hasCommand } from '../helpers/commands.js';
import { captureIo } from '../helpers/io.js';
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

  describe('in the apiVersion KUBERNETES_EXEC_INFO asks for, for a name or an Outposts cluster ID', () => {
    afterEach(() => vi.unstubAllEnvs());

    // In process: the SDK's credential chain reads process.env, KUBERNETES_EXEC_INFO comes from the command's env.
    async function getToken(args: string[], execInfo?: string) {
      for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
      const io = captureIo({ env: execInfo === undefined ? {} : { KUBERNETES_EXEC_INFO: execInfo } });
      const exitCode = await main(['get-token', ...args, '--region', 'us-west-2'], io);
      return { exitCode, credential: io.out() ? (JSON.parse(io.out()) as ExecCredential) : undefined, stderr: io.err() };
    }
    const info = (apiVersion: string) => JSON.stringify({ kind: 'ExecCredential', apiVersion, spec: { interactive: false } });

    it.each([
      ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1', ''],
      ['client.authentication.k8s.io/v1beta1', 'client.authentication.k8s.io/v1beta1', ''],
      ['client.authentication.k8s.io/v1alpha1', 'client.authentication.k8s.io/v1alpha1', ''],
    ])('asked for %s: answers in %s', async (asked, answered, stderr) => {
      const result = await getToken(['--cluster-name', 'demo'], info(asked));
      expect(result).toMatchObject({ exitCode: 0, stderr, credential: { kind: 'ExecCredential', apiVersion: answered } });
    });

    it('falls back to v1beta1, with a warning, when the request cannot be read or names an unknown version', async () => {
      const bad = await getToken(['--cluster-name', 'demo'], 'not json');
      expect(bad).toMatchObject({ exitCode: 0, credential: { apiVersion: 'client.authentication.k8s.io/v1beta1' } });
      expect(bad.stderr).toBe('safe-eksctl: KUBERNETES_EXEC_INFO is not JSON; answering in client.authentication.k8s.io/v1beta1\n');
      const unknown = await getToken(['--cluster-name', 'demo'], info('client.authentication.k8s.io/v2'));
      expect(unknown.credential?.apiVersion).toBe('client.authentication.k8s.io/v1beta1');
      expect(unknown.stderr).toContain('asks for apiVersion client.authentication.k8s.io/v2, which is unknown');
      expect((await getToken(['--cluster-name', 'demo'], '')).credential?.apiVersion).toBe('client.authentication.k8s.io/v1beta1');
    });

    it('--cluster-id signs for the ID; neither or both is exit 2', async () => {
      const id = '0f0e0d0c-1111-2222-3333-444455556666';
      const byId = await getToken(['--cluster-id', id]);
      const url = presignedUrl(byId.credential!.status.token);
      const now = new Date(url.searchParams.get('X-Amz-Date')!.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z'));
      expect(byId.credential!.status.token).toBe((await createEksToken({ clusterName: id, region: 'us-west-2', credentials, now })).token);
      expect(byId.credential!.status.token).not.toBe((await createEksToken({ clusterName: 'demo', region: 'us-west-2', credentials, now })).token);
      expect(await getToken([])).toMatchObject({ exitCode: 2, stderr: 'safe-eksctl: --cluster-name NAME (or --cluster-id ID for a cluster on Outposts) is required\n' });
      expect(await getToken(['--cluster-name', 'a', '--cluster-id', id])).toMatchObject({ exitCode: 2 });
    });
  });

  it('signs for the regional STS host of every partition, from the SDK endpoint rules', () => {
    expect(stsHostname('us-east-1')).toBe('sts.us-east-1.amazonaws.com');
    expect(stsHostname('cn-northwest-1')).toBe('sts.cn-northwest-1.amazonaws.com.cn');
    expect(stsHostname('us-gov-west-1')).toBe('sts.us-gov-west-1.amazonaws.com');
    expect(stsHostname('us-iso-east-1')).toBe('sts.us-iso-east-1.c2s.ic.gov');
    expect(stsHostname('us-isob-east-1')).toBe('sts.us-isob-east-1.sc2s.sgov.gov');
    expect(stsHostname('eu-isoe-west-1')).toBe('sts.eu-isoe-west-1.cloud.adc-e.uk');
    expect(stsHostname('us-isof-south-1')).toBe('sts.us-isof-south-1.csp.hci.ic.gov');
  });

  describe.skipIf(!hasCommand('aws'))('the apiVersion, against the AWS CLI', () => {
    it.each(['client.authentication.k8s.io/v1'])('KUBERNETES_EXEC_INFO %s: the same apiVersion as aws eks get-token', async (asked) => {
      const execInfo = JSON.stringify({ kind: 'ExecCredential', apiVersion: asked, spec: {} });
      const both = await Promise.all(
        [['aws', 'eks'], ['node', bin]].map(([cmd, ...pre]) =>
          execa(cmd!, [...pre, 'get-token', '--cluster-name', 'demo', '--region', 'us-west-2'], { env: { ...env, PATH: process.env.PATH, KUBERNETES_EXEC_INFO: execInfo }, extendEnv: false }),
        ),
      );
      const [theirs, ours] = both.map((r) => (JSON.parse(r.stdout) as ExecCredential).apiVersion);
      expect(ours).toBe(theirs);
    });
  });
});
