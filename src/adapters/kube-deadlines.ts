// Deadlines for every Kubernetes request and for kubeconfig exec plugins. client-node 1.4 has neither: its fetch
// waits as long as a server that accepted the connection stays silent, and its ExecAuth waits as long as the plugin
// (`aws eks get-token`, aws-iam-authenticator, an SSO helper waiting for a browser) does.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import {
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  IsomorphicFetchHttpLibrary,
  ServerConfiguration,
  type KubeConfig,
  type User,
} from '@kubernetes/client-node';
import { seconds } from '../core/network-errors.js';
import { keptConnections } from './kube-connection.js';
import { signalGroup } from './process-group.js';

/** One request, connect and TLS and answer and body together; the API server answers reads in well under a second. */
export const KUBE_REQUEST_TIMEOUT_MS = 30_000;
/** A kubeconfig exec plugin must print its ExecCredential within this (`aws eks get-token` takes about a second). */
export const EXEC_PLUGIN_TIMEOUT_MS = 30_000;

export interface KubeDeadlines {
  requestTimeoutMs?: number;
  execTimeoutMs?: number;
  /** Aborts every request in flight and every plugin run: a command's overall budget (`check --check-timeout`). */
  signal?: AbortSignal;
}

/** The API clients of `kc`, each request bounded by the deadline and by `deadlines.signal`. */
export function kubeClients(kc: KubeConfig, deadlines: KubeDeadlines = {}): { core: CoreV1Api; apps: AppsV1Api } {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('No active cluster!');
  const fetchLibrary = new IsomorphicFetchHttpLibrary();
  const connection = keptConnections();
  const timeoutMs = deadlines.requestTimeoutMs ?? KUBE_REQUEST_TIMEOUT_MS;
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kc },
    // In the HTTP library, not a middleware: a call's own options (a patch's Content-Type) cannot replace it.
    httpApi: {
      send: (request) => {
        const timeout = AbortSignal.timeout(timeoutMs);
        request.setSignal(deadlines.signal ? AbortSignal.any([timeout, deadlines.signal]) : timeout);
        const agent = connection(request.getAgent());
        if (agent) request.setAgent(agent);
        return fetchLibrary.send(request);
      },
    },
  });
  limitExecPlugins(kc, deadlines);
  return { core: new CoreV1Api(configuration), apps: new AppsV1Api(configuration) };
}

/** `no answer from 10.0.0.1:443 within 30s`: what a request that hit its deadline says. */
export function noAnswer(server: string | undefined, deadlines: KubeDeadlines = {}): string {
  return `no answer from the Kubernetes API${server ? ` at ${hostOfUrl(server)}` : ''} within ${seconds(deadlines.requestTimeoutMs ?? KUBE_REQUEST_TIMEOUT_MS)}`;
}

/** `https://10.0.0.1:443/` → `10.0.0.1:443`. */
export function hostOfUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

type ExecFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
interface ExecAuthLike {
  execFn: ExecFn;
  applyAuthentication(user: User, options: object): Promise<void>;
}

const limited = new WeakSet<object>();

/**
 * client-node runs exec plugins through its own ExecAuth, first among its authenticators, with no timeout and no way
 * to add one; its plugin runner is a plain field, so it is replaced by one with a deadline and the budget's signal.
 * The plugin runs in a process group of its own, killed whole when time runs out: ExecAuth waits for the plugin's
 * output to close, which a child of a wrapper script would hold open after the wrapper died.
 */
function limitExecPlugins(kc: KubeConfig, deadlines: KubeDeadlines): void {
  const authenticators = (kc as unknown as { authenticators?: object[] }).authenticators ?? [];
  const exec = authenticators.find((a): a is ExecAuthLike => 'execFn' in a && typeof (a as ExecAuthLike).applyAuthentication === 'function');
  if (!exec || limited.has(exec)) return;
  limited.add(exec);
  const timeoutMs = deadlines.execTimeoutMs ?? EXEC_PLUGIN_TIMEOUT_MS;
  const { signal } = deadlines;
  let killed = false;
  exec.execFn = (command, args, options) => {
    const child = spawn(command, args, { ...options, detached: true });
    const kill = () => {
      killed = true;
      signalGroup(child.pid, 'SIGKILL');
    };
    const timer = setTimeout(kill, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    process.once('exit', kill);
    child.once('close', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      process.off('exit', kill);
    });
    if (signal?.aborted) kill();
    return child;
  };
  const authenticate = exec.applyAuthentication.bind(exec);
  exec.applyAuthentication = async (user, options) => {
    killed = false;
    try {
      await authenticate(user, options);
    } catch (error) {
      if (!killed) throw error;
      // The command only: a plugin's arguments are the user's to see, and may carry what should not be printed.
      const plugin = String(user.exec?.command ?? 'exec');
      const why = signal?.aborted ? 'was stopped: the time for this command ran out' : `gave no credential within ${seconds(timeoutMs)}`;
      throw new Error(`kubeconfig exec plugin \`${plugin}\` (user ${user.name}) ${why}`, { cause: error });
    }
  };
}
