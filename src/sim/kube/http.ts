// The wire side of the simulated API server: JSON bodies in, JSON objects and metav1.Status failures out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from './status.js';

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new StatusError(400, 'BadRequest', `the request body is not valid JSON`);
  }
}

export function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new StatusError(400, 'BadRequest', 'the request body must be a JSON object');
  const object = value as Record<string, unknown>;
  if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
  return object;
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
  res.end(text);
}

export function sendStatus(res: ServerResponse, code: number, reason: string, message: string, details?: Record<string, unknown>): void {
  sendJson(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}
