// The EKS bearer token: a presigned STS GetCallerIdentity URL, exactly as `aws eks get-token` and
// aws-iam-authenticator make it (see ../shared/design/eks-facts.md, "Authentication to the cluster").
import { Sha256 } from '@aws-crypto/sha256-js';
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
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** Signing time; defaults to now. */
  now?: Date;
}

export function stsHostname(region: string): string {
  return region.startsWith('cn-') ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
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

/** The ExecCredential `aws eks get-token` prints, so a kubeconfig can use either. */
export function execCredential(token: EksToken) {
  return {
    kind: 'ExecCredential',
    apiVersion: 'client.authentication.k8s.io/v1beta1',
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
