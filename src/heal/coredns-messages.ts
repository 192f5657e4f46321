// What the CoreDNS heal says when it cannot go on or has to wait: one line per fact, naming pods, profiles and the
// webhook's latest answer.
import type { KubeApi, KubeApiError } from '../adapters/kube.js';
import type { ClassifiedPod } from '../core/pods.js';
import type { ProbeGate } from '../core/restart-gate.js';
import { describeVerdict } from '../core/probe.js';
import { formatDuration, plural, type CoreDnsRecord } from '../report.js';

export function neverRuns(namespace: string, pods: readonly ClassifiedPod[]): string {
  const labels = pods[0] ? Object.entries(pods[0].pod.labels).filter(([k]) => k !== 'pod-template-hash').map(([k, v]) => `${k}=${v}`).join(',') : '';
  return (
    `CoreDNS can never run: no ACTIVE Fargate profile matches its pods (namespace ${namespace}, labels ${labels || 'none'}) ` +
    `and the cluster has no EC2 node. Add a Fargate profile selecting namespace ${namespace} (no labels), or a nodegroup.`
  );
}

/** What a restart that is due waits for, in a few words; `profile` is the one that matches the stuck pods. */
export function waitingFor(why: 'backoff' | 'grace' | 'webhook', profile: string | undefined, gate: ProbeGate): string {
  if (why === 'backoff') return 'replacements missed Fargate; restarting again shortly';
  const named = profile ? `profile "${profile}"` : 'the matching profile';
  if (why === 'grace') return `giving the Fargate webhook time to see ${named} before restarting`;
  const answer = gate.verdict?.kind === 'not-fargate' ? `: a new pod would still go to ${gate.verdict.scheduler}` : '';
  return `waiting for the Fargate webhook to see ${named} (${plural(gate.probes, 'probe')}${answer})`;
}

export async function timeoutMessage(
  kube: KubeApi,
  namespace: string,
  record: CoreDnsRecord,
  classified: readonly ClassifiedPod[],
  waitedMs: number,
  lastTransient: KubeApiError | undefined,
  gate: ProbeGate,
): Promise<string> {
  const parts = [`CoreDNS is not Ready after ${formatDuration(waitedMs)} (${readyCount(record)} ready, ${plural(record.restarts, 'restart')})`];
  if (lastTransient) parts.push(`last error: ${lastTransient.message}`);
  // Restarting into the same Pending state helps nobody: say that the webhook is what never came round.
  if (gate.verdict && gate.verdict.kind !== 'fargate') {
    parts.push(`the Fargate webhook never admitted a new CoreDNS pod: ${plural(gate.probes, 'probe')}, the last answer ${describeVerdict(gate.verdict)}`);
  }
  const notReady = classified.filter((c) => c.state !== 'healthy' && c.state !== 'terminating').slice(0, 3);
  for (const c of notReady) {
    let event = '';
    try {
      const latest = (await kube.listEvents(namespace, c.pod.name)).at(-1);
      if (latest) event = `; latest event: ${latest.reason}: ${latest.message}`;
    } catch {
      // The events only decorate the message; the timeout is the failure to report.
    }
    parts.push(`pod ${c.pod.name} ${c.state}: ${c.reason}${event}`);
  }
  return parts.join('\n  ');
}

/** `1/2`, or `?/?` while CoreDNS was never read. */
export function readyCount({ ready, desired }: { ready: number | null; desired: number | null }): string {
  return `${ready ?? '?'}/${desired ?? '?'}`;
}
