// A watch as client-go reads one: JSON lines, from a list's resourceVersion on (410 Expired when the history no
// longer reaches back that far), ended by its timeoutSeconds, the client, or the server closing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeCluster } from './cluster.js';
import { byNamespaceAndName } from './paths.js';
import type { ResourceName } from './resources.js';
import type { WatchEvent } from './store.js';
import type { KubeObject } from './types.js';

/** `watches`: the finish of every watch still open, so the server can end them all when it closes. */
export function watch(
  watches: Set<() => void>,
  cluster: KubeCluster,
  resource: ResourceName,
  namespace: string | undefined,
  filter: (o: KubeObject) => boolean,
  params: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
  // Headers go out at once, as the real server sends them: client-go waits for them with an uncancellable context,
  // so a watch that stays quiet would otherwise keep `kubectl rollout status` from exiting after its last list.
  res.flushHeaders();
  const matches = (e: WatchEvent) => e.resource === resource && (namespace === undefined || e.object.metadata.namespace === namespace) && filter(e.object);
  const send = (type: string, object: KubeObject) => res.write(JSON.stringify({ type, object }) + '\n');
  const since = params.get('resourceVersion');
  if (!since || since === '0') {
    for (const object of cluster.list(resource, namespace).filter(filter).sort(byNamespaceAndName)) send('ADDED', object);
  } else if (Number(since) < cluster.store.oldestResumable()) {
    const message = `too old resource version: ${since} (${cluster.store.oldestResumable()})`;
    res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 } }) + '\n');
    return;
  } else {
    for (const e of cluster.store.changesSince(Number(since))) if (matches(e)) send(e.type, e.object);
  }
  const unwatch = cluster.store.watch((e) => {
    if (matches(e)) send(e.type, e.object);
  });
  const finish = () => {
    unwatch();
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timeoutSeconds = Number(params.get('timeoutSeconds') ?? 1800);
  const timer = setTimeout(finish, Math.max(1, timeoutSeconds) * 1000);
  timer.unref();
  req.on('close', finish);
  watches.add(finish);
  res.on('close', () => watches.delete(finish));
}
