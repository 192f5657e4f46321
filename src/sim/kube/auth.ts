// EKS bearer-token authentication, as the EKS control plane does it: the token is a presigned STS
// GetCallerIdentity URL whose signed header x-k8s-aws-id names the cluster.
//
// The cluster name travels only inside the signature (a signed header is not sent in the URL), so the simulator
// recovers it the one way possible: for tokens signed with its own test key it re-signs the URL for each known
// cluster and takes the one whose signature matches. A token signed with any other key cannot be verified here;
// it is accepted only when exactly one cluster exists (nothing else could be meant), otherwise refused.
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { timingSafeEqual } from 'node:crypto';
import { TOKEN_PREFIX } from '../../adapters/token.js';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../credentials.js';

/** EKS honours a token for 15 minutes from signing. */
export const EKS_TOKEN_MAX_AGE_MS = 15 * 60_000;

export type TokenCheck = { ok: true; clusterName: string } | { ok: false; why: string };

export interface TokenCheckOptions {
  clusterNames(): string[];
  /** Real epoch ms now. Tokens are signed on the real clock by kubectl, the AWS CLI and the product alike. */
  realNow(): number;
  /** A token's age in simulated ms, given its age in real ms (the token itself: virtual time counts from its first use). */
  simulatedAgeMs(realAgeMs: number, token: string): number;
  /** Fault token-ttl: tokens older than this many simulated seconds are refused. */
  tokenTtlSeconds?: number;
}

const SIGNING_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'];

export async function checkBearerToken(authorization: string | undefined, options: TokenCheckOptions): Promise<TokenCheck> {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!bearer) return { ok: false, why: 'no bearer token' };
  if (!bearer.startsWith(TOKEN_PREFIX)) return { ok: false, why: 'not an EKS token' };
  let url: URL;
  try {
    url = new URL(Buffer.from(bearer.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return { ok: false, why: 'token is not a presigned URL' };
  }
  const q = url.searchParams;
  if (url.protocol !== 'https:' && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') return { ok: false, why: 'presigned URL is not https' };
  if (q.get('Action') !== 'GetCallerIdentity' || q.get('Version') !== '2011-06-15') return { ok: false, why: 'not a GetCallerIdentity URL' };
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return { ok: false, why: 'not signed with SigV4' };
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('x-k8s-aws-id') || !signedHeaders.includes('host')) return { ok: false, why: 'x-k8s-aws-id is not a signed header' };
  const [accessKeyId, , region, service] = (q.get('X-Amz-Credential') ?? '').split('/');
  if (!accessKeyId || !region || service !== 'sts') return { ok: false, why: 'bad credential scope' };
  const signedAt = parseAmzDate(q.get('X-Amz-Date') ?? '');
  if (signedAt === undefined) return { ok: false, why: 'bad X-Amz-Date' };
  const realAge = options.realNow() - signedAt;
  if (realAge < -EKS_TOKEN_MAX_AGE_MS) return { ok: false, why: 'token signed in the future' };
  if (options.tokenTtlSeconds !== undefined) {
    if (options.simulatedAgeMs(realAge, bearer) > options.tokenTtlSeconds * 1000) return { ok: false, why: 'token expired (token-ttl)' };
  } else if (realAge > EKS_TOKEN_MAX_AGE_MS) {
    return { ok: false, why: 'token expired' };
  }
  const names = options.clusterNames();
  if (accessKeyId !== SIM_ACCESS_KEY_ID) {
    return names.length === 1 ? { ok: true, clusterName: names[0]! } : { ok: false, why: 'cannot tell the cluster of a token signed with a foreign key' };
  }
  const signature = Buffer.from(q.get('X-Amz-Signature') ?? '', 'utf8');
  for (const clusterName of names) {
    const expected = Buffer.from(await presignedSignature(url, clusterName, region, signedAt, signedHeaders), 'utf8');
    if (expected.length === signature.length && timingSafeEqual(expected, signature)) return { ok: true, clusterName };
  }
  return { ok: false, why: 'signature matches no cluster' };
}

/** Re-signs the URL exactly as the token's maker did, with the cluster name as x-k8s-aws-id. */
async function presignedSignature(url: URL, clusterName: string, region: string, signedAt: number, signedHeaders: string[]): Promise<string> {
  // A token made with temporary credentials carries its session token, signed like the rest of the query.
  const sessionToken = url.searchParams.get('X-Amz-Security-Token');
  const signer = new SignatureV4({
    credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY, ...(sessionToken ? { sessionToken } : {}) },
    region,
    service: 'sts',
    sha256: Sha256,
    uriEscapePath: true,
  });
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!SIGNING_PARAMS.includes(k)) query[k] = v;
  const headers: Record<string, string> = { host: url.host, 'x-k8s-aws-id': clusterName };
  const request = new HttpRequest({ method: 'GET', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, headers, query });
  const unsignable = new Set(Object.keys(headers).filter((h) => !signedHeaders.includes(h)));
  const signed = await signer.presign(request, {
    expiresIn: Number(url.searchParams.get('X-Amz-Expires') ?? 60),
    signingDate: new Date(signedAt),
    unsignableHeaders: unsignable,
  });
  return String(signed.query?.['X-Amz-Signature'] ?? '');
}

function parseAmzDate(text: string): number | undefined {
  const m = text.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
