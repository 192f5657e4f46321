// STS GetCallerIdentity in the query protocol (form-encoded POST, or the GET form of a presigned URL), answered in
// XML with the simulator's own identity, so the product's preflight can reach it through AWS_ENDPOINT_URL_STS.
import { randomUUID } from 'node:crypto';
import { SIM_ACCOUNT_ID, SIM_CALLER_ARN } from '../credentials.js';
import type { SignatureCheck } from './sigv4.js';

/** The unique id IAM gives the simulator's user (an IAM user id starts with AIDA). */
export const SIM_USER_ID = 'AIDASAFEEKSCTLSIM0000';

export interface StsAnswer {
  status: number;
  body: string;
}

/** The STS action a request carries (from the form body or the query string), if any. */
export function stsAction(method: string, query: URLSearchParams, body: string): string | undefined {
  if (method === 'GET') return query.get('Action') ?? undefined;
  if (method === 'POST') return new URLSearchParams(body).get('Action') ?? query.get('Action') ?? undefined;
  return undefined;
}

export function stsAnswer(action: string, signature: SignatureCheck): StsAnswer {
  if (signature === 'unsigned') return stsError(403, 'Sender', 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  if (signature === 'mismatch') {
    return stsError(403, 'Sender', 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  if (action !== 'GetCallerIdentity') {
    return stsError(400, 'Sender', 'InvalidAction', `Could not find operation ${xmlText(action)} for version 2011-06-15`);
  }
  return {
    status: 200,
    body:
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n` +
      `  <GetCallerIdentityResult>\n` +
      `    <Arn>${SIM_CALLER_ARN}</Arn>\n` +
      `    <UserId>${SIM_USER_ID}</UserId>\n` +
      `    <Account>${SIM_ACCOUNT_ID}</Account>\n` +
      `  </GetCallerIdentityResult>\n` +
      `  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n` +
      `</GetCallerIdentityResponse>\n`,
  };
}

function stsError(status: number, type: string, code: string, message: string): StsAnswer {
  return {
    status,
    body:
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n` +
      `  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${message}</Message>\n  </Error>\n` +
      `  <RequestId>${randomUUID()}</RequestId>\n` +
      `</ErrorResponse>\n`,
  };
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
