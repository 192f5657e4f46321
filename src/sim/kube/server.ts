// The simulated Kubernetes API server: one HTTPS endpoint for every cluster, the bearer token naming the cluster.
// It speaks the wire format kubectl and @kubernetes/client-node expect: legacy discovery, lists with label and field
// selectors, Tables for `kubectl get`, watches as JSON lines, the three patch types, metav1.Status errors.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimClock } from '../clock.js';
import { seededRandom, type Faults } from '../faults.js';
import { checkBearerToken } from './auth.js';
import { SIM_CA_CERT_PEM, SIM_SERVER_CERT_PEM, SIM_SERVER_KEY_PEM } from './certs.js';
import type { KubeCluster } from './cluster.js';
import { discovery } from './discovery.js';
import { sendJson, sendStatus } from './http.js';
import { serveResource, type RestContext } from './rest.js';
import { StatusError } from './status.js';

export interface KubeServerOptions {
  clock: SimClock;
  faults: Faults;
  lookupCluster(name: string): KubeCluster | undefined;
  /**
   * Every cluster name that exists. Needed to recover the cluster of a token signed with the simulator's key (the
   * name is only inside the signature). Without it such tokens cannot be matched and get 401.
   */
  clusterNames?(): string[];
  /** True for a cluster whose API server takes no connection from here (fault outside-vpc, private endpoint). */
  refusesConnection?(clusterName: string): boolean;
  port?: number;
  /** Seed of the kube-5xx fault's generator. */
  randomSeed?: number;
  /** Real clock for token ages; tests may pin it. */
  realNow?: () => number;
}

export interface KubeServer {
  url: string;
  caPem: string;
  /** Requests answered so far (any outcome), for tests that count calls. */
  requestCount(): number;
  /**
   * The same per HTTP method (GET, PATCH, DELETE, …): tests prove a command only read. A dry run, which changes
   * nothing, counts as `POST (dry run)`.
   */
  requestsByMethod(): Record<string, number>;
  /** Requests refused with 401 (a token expired, for another cluster, or forged): tests prove a refresh happened. */
  unauthorizedCount(): number;
  /** TLS connections accepted so far: a client that keeps its connection open makes one for many requests. */
  connectionCount(): number;
  /** Closes every connection, as an API server or a load balancer in front of it may: clients must open new ones. */
  closeConnections(): void;
  close(): Promise<void>;
}

export async function startKubeServer(options: KubeServerOptions): Promise<KubeServer> {
  const random = seededRandom(options.randomSeed ?? 7);
  let requests = 0;
  let unauthorized = 0;
  const byMethod: Record<string, number> = {};
  const rest: RestContext = { clock: options.clock, faults: options.faults, watches: new Set() };
  // On virtual time a token's signing time (real) says nothing about simulated time: its age counts from its first use,
  // which on virtual time is the moment it was signed (the clock stands still while its maker works). A token refused
  // for its age starts again: its maker's refresh signs in the same real second, whose X-Amz-Date makes the very same
  // string, so the next use of that string is the fresh token's.
  const firstSeen = new Map<string, number>();
  const tokenAge = (token: string) => {
    if (!firstSeen.has(token)) firstSeen.set(token, options.clock.now());
    const age = options.clock.now() - firstSeen.get(token)!;
    const ttl = options.faults.tokenTtlSeconds;
    if (ttl !== undefined && age > ttl * 1000) firstSeen.delete(token);
    return age;
  };
  const server: Server = createServer({ key: SIM_SERVER_KEY_PEM, cert: SIM_SERVER_CERT_PEM }, (req, res) => {
    requests++;
    const method = `${req.method ?? 'GET'}${/[?&]dryRun=/.test(req.url ?? '') ? ' (dry run)' : ''}`;
    byMethod[method] = (byMethod[method] ?? 0) + 1;
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const auth = await checkBearerToken(req.headers.authorization, {
      clusterNames: () => options.clusterNames?.() ?? [],
      realNow: options.realNow ?? Date.now,
      simulatedAgeMs: (realAge, token) => (options.clock.virtual ? tokenAge(token) : realAge / options.clock.scale),
      tokenTtlSeconds: options.faults.tokenTtlSeconds,
    });
    // The reason stays in the server: a real API server answers every failed authentication with a bare 401.
    if (auth.ok && options.refusesConnection?.(auth.clusterName)) {
      // No answer at all, as from an endpoint that resolves to addresses inside a VPC this machine cannot reach.
      req.socket.destroy();
      return;
    }
    const cluster = auth.ok ? options.lookupCluster(auth.clusterName) : undefined;
    if (!cluster) {
      unauthorized++;
      return sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
    }
    if (options.faults.kube5xx > 0 && random() < options.faults.kube5xx) {
      return sendStatus(res, 500, 'InternalError', 'Internal error occurred: simulated fault kube-5xx');
    }
    try {
      await route(cluster, req, res, url);
    } catch (error) {
      if (error instanceof StatusError) return sendStatus(res, error.code, error.reason, error.message, error.details);
      throw error;
    }
  }

  async function route(cluster: KubeCluster, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      const doc = discovery(cluster, path, `127.0.0.1:${(server.address() as AddressInfo).port}`);
      if (doc) return sendJson(res, 200, doc);
      if (path === '/healthz' || path === '/livez' || path === '/readyz') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      }
    }
    return serveResource(rest, cluster, req, res, url, path);
  }

  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: SIM_CA_CERT_PEM,
    requestCount: () => requests,
    requestsByMethod: () => ({ ...byMethod }),
    unauthorizedCount: () => unauthorized,
    connectionCount: () => connections,
    closeConnections: () => server.closeAllConnections(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const finish of [...rest.watches]) finish();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
