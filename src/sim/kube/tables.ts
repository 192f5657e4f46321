// Server-side printing: the meta.k8s.io/v1 Table `kubectl get` asks for, with the columns kubectl users know.
import { formatLabelSelector } from './matching.js';
import type { Deployment, KubeObject, NodeObject, Pod, ReplicaSet } from './types.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}
type Row = (string | number)[];

const col = (name: string, type = 'string', priority = 0, format = ''): Column => ({ name, type, format, description: name, priority });

/** kubectl's short durations: 45s, 5m12s, 3h4m, 2d3h. */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  return `${d}d`;
}

function podStatusText(pod: Pod): string {
  for (const c of pod.status.containerStatuses ?? []) {
    const waiting = (c.state as { waiting?: { reason?: string } }).waiting;
    if (waiting?.reason) return waiting.reason;
  }
  return pod.status.phase;
}

function tableFor(resource: string, objects: KubeObject[], now: number): { columns: Column[]; rows: Row[] } {
  const age = (o: KubeObject) => humanAge(now - Date.parse(o.metadata.creationTimestamp));
  switch (resource) {
    case 'pods':
      return {
        columns: [col('Name', 'string', 0, 'name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
        rows: (objects as Pod[]).map((p) => {
          const statuses = p.status.containerStatuses ?? [];
          return [p.metadata.name, `${statuses.filter((c) => c.ready).length}/${p.spec.containers.length}`, podStatusText(p), '0', age(p), p.status.podIP ?? '<none>', p.spec.nodeName ?? '<none>', '<none>', '<none>'];
        }),
      };
    case 'deployments':
      return {
        columns: [col('Name', 'string', 0, 'name'), col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
        rows: (objects as Deployment[]).map((d) => [
          d.metadata.name,
          `${d.status.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`,
          d.status.updatedReplicas ?? 0,
          d.status.availableReplicas ?? 0,
          age(d),
          d.spec.template.spec.containers.map((c) => c.name).join(','),
          d.spec.template.spec.containers.map((c) => c.image ?? '').join(','),
          formatLabelSelector(d.spec.selector),
        ]),
      };
    case 'replicasets':
      return {
        columns: [col('Name', 'string', 0, 'name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
        rows: (objects as ReplicaSet[]).map((rs) => [
          rs.metadata.name,
          rs.spec.replicas ?? 1,
          rs.status.replicas ?? 0,
          rs.status.readyReplicas ?? 0,
          age(rs),
          rs.spec.template.spec.containers.map((c) => c.name).join(','),
          rs.spec.template.spec.containers.map((c) => c.image ?? '').join(','),
          formatLabelSelector(rs.spec.selector),
        ]),
      };
    case 'nodes':
      return {
        columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
        rows: (objects as NodeObject[]).map((n) => {
          const info = (n.status.nodeInfo ?? {}) as Record<string, string>;
          const addresses = (n.status.addresses ?? []) as { type: string; address: string }[];
          const ready = ((n.status.conditions ?? []) as { type: string; status: string }[]).find((c) => c.type === 'Ready')?.status === 'True';
          return [n.metadata.name, ready ? 'Ready' : 'NotReady', '<none>', age(n), info.kubeletVersion ?? '', addresses.find((a) => a.type === 'InternalIP')?.address ?? '<none>', '<none>', info.osImage ?? '', info.kernelVersion ?? '', info.containerRuntimeVersion ?? ''];
        }),
      };
    case 'events':
      return {
        columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
        rows: objects.map((e) => {
          const ev = e as unknown as { lastTimestamp: string; type: string; reason: string; message: string; involvedObject: { kind: string; name: string } };
          return [humanAge(now - Date.parse(ev.lastTimestamp)), ev.type, ev.reason, `${ev.involvedObject.kind.toLowerCase()}/${ev.involvedObject.name}`, ev.message];
        }),
      };
    case 'namespaces':
      return {
        columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Age')],
        rows: objects.map((o) => [o.metadata.name, String((o.status as { phase?: string } | undefined)?.phase ?? 'Active'), age(o)]),
      };
    default:
      return { columns: [col('Name', 'string', 0, 'name'), col('Age')], rows: objects.map((o) => [o.metadata.name, age(o)]) };
  }
}

/** A Table for a list (or a single object); `includeObject` as the request asked: None, Metadata (default) or Object. */
export function asTable(resource: string, objects: KubeObject[], now: number, resourceVersion: string, includeObject: string | null) {
  const { columns, rows } = tableFor(resource, objects, now);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns,
    rows: rows.map((cells, i) => {
      const object = objects[i]!;
      const embedded =
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? object
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
      return embedded ? { cells, object: embedded } : { cells };
    }),
  };
}

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}
