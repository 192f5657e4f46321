// The EKS bearer token: a presigned STS GetCallerIdentity URL, exactly as `aws eks get-token` and
// aws-iam-authenticator make it (see ../shared/design/eks-facts.md, "Authentication to the cluster").
import { Sha256 } from '@aws-crypto/sha256-js';
import { STSClient } from '@aws-sdk/client-sts';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';

export const TOKEN_PREFIX = 'k8s-aws-v1.';
/** The presigned URL is valid for 60 s at STS, but EKS honours the token for 15 minutes from signing. */
export const PRESIGN_EXPIRES_SECONDS = 60;
/** `aws eks get-token` advertises 14 minutes so clients refresh before EKS's 15-minute limit. */
export const TOKEN_LIFETIME_MS = 14 * 60_000;

export interface EksToken {
  token: string;
  /** When the token should no longer be used (signing time + 14 minutes). */
  expiresAt: Date;
}

export interface TokenRequest {
  /**
   * What the signed header x-k8s-aws-id carries: the cluster name, or for a local cluster on Outposts its cluster ID
   * (DescribeCluster's `id`), as eksctl and `aws eks get-token --cluster-id` sign it.
   */
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** Signing time; defaults to now. */
  now?: Date;
}

type EndpointProvider = STSClient['config']['endpointProvider'];
let stsEndpoints: EndpointProvider | undefined;

/**
 * The regional STS host of any partition the SDK knows (amazonaws.com, amazonaws.com.cn, c2s.ic.gov, sc2s.sgov.gov,
 * …), from the SDK's own endpoint rules: as `aws eks get-token` signs with AWS_STS_REGIONAL_ENDPOINTS=regional.
 */
export function stsHostname(region: string): string {
  // A client is only built for its rules engine: nothing is sent, and the environment's endpoint override is not read.
  stsEndpoints ??= new STSClient({ region: 'us-east-1' }).config.endpointProvider;
  return stsEndpoints({ Region: region, UseFIPS: false, UseDualStack: false, UseGlobalEndpoint: false }).url.hostname;
}

export async function createEksToken({ clusterName, region, credentials, now = new Date() }: TokenRequest): Promise<EksToken> {
  const hostname = stsHostname(region);
  const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Sha256, uriEscapePath: true });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    headers: { host: hostname, 'x-k8s-aws-id': clusterName },
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
  });
  const signed = await signer.presign(request, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: now });
  const url = `https://${hostname}/?${queryString(signed.query ?? {})}`;
  return {
    token: TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS),
  };
}

export const EXEC_CREDENTIAL_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1', 'client.authentication.k8s.io/v1alpha1'];
export const DEFAULT_EXEC_CREDENTIAL_VERSION = 'client.authentication.k8s.io/v1beta1';

/** The ExecCredential `aws eks get-token` prints, in the apiVersion the caller asked for, so a kubeconfig can use either. */
export function execCredential(token: EksToken, apiVersion = DEFAULT_EXEC_CREDENTIAL_VERSION) {
  return {
    kind: 'ExecCredential',
    apiVersion,
    spec: {},
    status: {
      expirationTimestamp: token.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      token: token.token,
    },
  };
}

/** Sorted keys with the signature last: byte for byte the URL botocore (and so `aws eks get-token`) builds. */
function queryString(query: Record<string, string | string[] | null>): string {
  const signatureLast = (key: string) => (key === 'X-Amz-Signature' ? 1 : 0);
  return Object.keys(query)
    .sort((a, b) => signatureLast(a) - signatureLast(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${rfc3986(key)}=${rfc3986(String(query[key] ?? ''))}`)
    .join('&');
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
