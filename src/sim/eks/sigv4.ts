// SigV4 as the EKS front end judges it. No signature at all → MissingAuthenticationToken. A signature made with the
// simulator's own test key is recomputed and must match, so a client that signs wrongly (bad region, body, path)
// fails here as it would at AWS. Other keys are not the simulator's to judge and pass.
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { IncomingMessage } from 'node:http';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../credentials.js';

export type SignatureCheck = 'unsigned' | 'valid' | 'mismatch';

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

export async function checkSignature(req: IncomingMessage, url: URL, body: string): Promise<SignatureCheck> {
  const authorization = req.headers.authorization;
  if (authorization === undefined) return presigned(url) ? 'valid' : 'unsigned';
  const match = AUTHORIZATION.exec(authorization);
  if (!match) return 'unsigned';
  const [, accessKeyId, , region, service, signedHeaderList, signature] = match;
  if (accessKeyId !== SIM_ACCESS_KEY_ID) return 'valid';
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string') return 'mismatch';
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) return 'mismatch';

  const signedHeaders = signedHeaderList!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return 'mismatch';
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  const request = new HttpRequest({
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname: url.hostname,
    path: url.pathname,
    query,
    headers,
    body,
  });
  const signer = new SignatureV4({
    credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
    region: region!,
    service: service!,
    sha256: Sha256,
    uriEscapePath: true,
    // Sign exactly the headers the client signed: x-amz-content-sha256 only when it sent one.
    applyChecksum: false,
  });
  const signed = await signer.sign(request, { signingDate, signableHeaders: new Set(signedHeaders) });
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers['authorization']))?.[1];
  return expected === signature ? 'valid' : 'mismatch';
}

/** The query form of a presigned URL (an EKS token's GetCallerIdentity); its signature is the Kubernetes side's job. */
function presigned(url: URL): boolean {
  return url.searchParams.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' && url.searchParams.has('X-Amz-Signature');
}

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}
