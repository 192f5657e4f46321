// The simulated EKS endpoint: REST-JSON over plain HTTP on 127.0.0.1, the way the SDK and the AWS CLI speak to EKS
// (AWS_ENDPOINT_URL_EKS / --endpoint-url). STS GetCallerIdentity answers on the same port for the preflight.
//
// Per request: count it under its operation name, refuse it unsigned (403, as AWS does), then draw the configured
// faults (connection reset, ServerException, ThrottlingException) from a seeded generator, then let the world answer.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIM_ACCOUNT_ID, SIM_CALLER_ARN, SIM_REGION } from '../credentials.js';
import { seededRandom, type Faults } from '../faults.js';
import type { World } from '../world.js';
import { EksError, invalidParameter } from './errors.js';
import { findRoute } from './routes.js';
import { checkSignature } from './sigv4.js';
import { stsAction, stsAnswer } from './sts.js';

export interface EksServerOptions {
  world: World;
  faults: Faults;
  /** Seed of the fault draws, so a rate gives the same failures on every run. Default 1. */
  randomSeed?: number;
  /** Default 0: any free port. */
  port?: number;
}

export interface EksServer {
  /** `http://127.0.0.1:PORT` — for AWS_ENDPOINT_URL_EKS and AWS_ENDPOINT_URL_STS. */
  url: string;
  port: number;
  /** Requests received per operation name (`DescribeFargateProfile`, `GetCallerIdentity`, …), faulted ones included. */
  requestCounts: Record<string, number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export async function startEksServer(options: EksServerOptions): Promise<EksServer> {
  const { world, faults } = options;
  const random = seededRandom(options.randomSeed ?? 1);
  const requestCounts: Record<string, number> = {};
  const count = (operation: string) => {
    requestCounts[operation] = (requestCounts[operation] ?? 0) + 1;
  };
  const draw = (rate: number) => rate > 0 && random() < rate;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const answer = error instanceof EksError ? error : new EksError('ServerException', `simulator failure: ${String(error)}`);
      if (!res.headersSent) sendError(res, answer);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    const signature = await checkSignature(req, url, text);

    if (url.pathname === '/') {
      const action = stsAction(method, url.searchParams, text);
      if (action !== undefined) {
        count(action);
        const answer = stsAnswer(action, signature);
        send(res, answer.status, answer.body, { 'content-type': 'text/xml' });
        return;
      }
    }

    const found = findRoute(method, url.pathname);
    count(found?.route.operation ?? 'UnknownOperation');
    if (signature === 'unsigned') {
      return sendError(res, new EksError('MissingAuthenticationTokenException', 'Missing Authentication Token'));
    }
    if (signature === 'mismatch') return sendError(res, new EksError('InvalidSignatureException', SIGNATURE_MISMATCH));
    if (!found) return sendError(res, new EksError('UnknownOperationException', `no EKS operation at ${method} ${url.pathname}`));

    if (draw(faults.eksReset)) {
      // An abrupt close with no answer at all: the SDK sees ECONNRESET / socket hang up.
      req.socket.destroy();
      return;
    }
    if (faults.eksAccessDenied.includes(found.route.operation)) return sendError(res, accessDenied(found.route.operation, found.params));
    if (draw(faults.eks5xx)) return sendError(res, new EksError('ServerException', 'Internal Server Error (simulated fault eks-5xx)'));
    if (draw(faults.eksThrottle)) return sendError(res, new EksError('ThrottlingException', 'Rate exceeded'));

    // An EksError thrown here (not found, in use, invalid) reaches the client through the handler's catch.
    const answer = found.route.handle(world, { params: found.params, query: url.searchParams, body: parseJson(text) });
    send(res, 200, JSON.stringify(answer, epochSeconds), { 'content-type': 'application/json' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requestCounts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; without this, close() would wait for them to idle out.
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(invalidParameter('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParameter('The request body is not valid JSON');
  }
}

/** REST-JSON timestamps are epoch seconds. `this[key]` is the Date before its toJSON turned it into a string. */
function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Date ? original.getTime() / 1000 : value;
}

function sendError(res: ServerResponse, error: EksError): void {
  send(res, error.status, JSON.stringify({ ...error.fields, message: error.message }), {
    'content-type': 'application/json',
    'x-amzn-errortype': error.type,
  });
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, {
    ...headers,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}

/** AWS's wording for a principal that lacks the permission (the simulator's one test user). */
function accessDenied(operation: string, [cluster, child]: string[]): EksError {
  const kind = child === undefined ? undefined : ['fargateprofile', 'addon', 'nodegroup'].find((k) => operation.toLowerCase().includes(k));
  const path = kind ? `${kind}/${cluster}/${child}/*` : `cluster/${cluster ?? '*'}`;
  const resource = `arn:aws:eks:${SIM_REGION}:${SIM_ACCOUNT_ID}:${path}`;
  return new EksError(
    'AccessDeniedException',
    `User: ${SIM_CALLER_ARN} is not authorized to perform: eks:${operation} on resource: ${resource}`,
  );
}
