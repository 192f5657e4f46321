// Fault specs, spelled the same for `sim`, `demo` and tests: `--fault NAME[=VALUE]`, repeatable. FAULT_TABLE defines
// each fault once — its name, the field it sets, the kind of its value, where it applies and what it does — and the
// `Faults` type, `parseFaults`, the printer (./fault-specs.ts) and the help (./fault-help.ts) all follow from it.
// Adding a fault is one entry here plus the behaviour that reads its field.
import { UsageError } from '../errors.js';
import { EKS_OPERATIONS } from './eks/operations.js';
import { codeOf, exitAtPhase, flag, names, namesFrom, rate, seconds, type FaultKind } from './fault-kinds.js';

export const EKSCTL_PHASES = ['control-plane', 'addons', 'fargate', 'nodegroups'] as const;
export type EksctlPhase = (typeof EKSCTL_PHASES)[number];

/** The part of the simulation a fault changes, for the help's grouping of them. */
export type FaultPlace = 'EKS API' | 'EKS' | 'Kubernetes API' | 'Fargate' | 'simulated eksctl' | 'network';

interface FaultEntry {
  /** The field of `Faults` it sets. */
  field: string;
  kind: FaultKind<unknown>;
  where: FaultPlace;
  /** What it does, one sentence for --help and the README. */
  help: string;
}

export const FAULT_TABLE = {
  'eks-throttle': { field: 'eksThrottle', kind: rate, where: 'EKS API', help: 'that share (0–1) of EKS calls gets ThrottlingException 429' },
  'eks-5xx': { field: 'eks5xx', kind: rate, where: 'EKS API', help: 'that share of EKS calls gets ServerException 500' },
  'eks-reset': { field: 'eksReset', kind: rate, where: 'EKS API', help: 'that share of EKS calls has its connection dropped without an answer' },
  'kube-5xx': { field: 'kube5xx', kind: rate, where: 'Kubernetes API', help: 'that share of Kubernetes calls gets 500' },
  'eks-access-denied': {
    field: 'eksAccessDenied',
    kind: namesFrom('OPERATION', EKS_OPERATIONS),
    where: 'EKS API',
    help: 'every call of that EKS operation gets AccessDeniedException 403, as for a role without the permission',
  },
  'profile-create-failed': {
    field: 'profileCreateFailed',
    kind: names('NAME', 'the profile name'),
    where: 'EKS',
    help: 'that Fargate profile ends CREATE_FAILED with a health issue',
  },
  'eksctl-exit': {
    field: 'eksctlExit',
    kind: exitAtPhase(EKSCTL_PHASES),
    where: 'simulated eksctl',
    help: `it exits with CODE as it enters PHASE (${EKSCTL_PHASES.join(', ')}; default ${EKSCTL_PHASES[0]})`,
  },
  'webhook-delay': {
    field: 'webhookDelaySeconds',
    kind: seconds,
    where: 'Fargate',
    help: 'a profile stays invisible to the Fargate webhook this long after turning ACTIVE',
  },
  'webhook-latency': {
    field: 'webhookLatencySeconds',
    kind: seconds,
    where: 'Fargate',
    help: 'the Fargate webhook takes this long to answer each pod create; over its 5 s timeoutSeconds the API server admits the pod unmutated, as failurePolicy: Ignore does',
  },
  'dry-run-refused': {
    field: 'dryRunRefused',
    kind: codeOf([403, 400] as const, 'CODE must be 403 (no RBAC create pods) or 400 (a webhook without dry-run support)'),
    where: 'Kubernetes API',
    help: '403: an identity without RBAC create pods, every pod create refused; 400: another mutating webhook without dry-run support, dry runs refused',
  },
  'fargate-start': { field: 'fargateStartSeconds', kind: seconds, where: 'Fargate', help: 'simulated seconds from Fargate admission to a Running pod' },
  'rollout-stuck': { field: 'rolloutStuck', kind: flag, where: 'Kubernetes API', help: 'new pods never become Ready' },
  'token-ttl': { field: 'tokenTtlSeconds', kind: seconds, where: 'Kubernetes API', help: 'tokens older than this many simulated seconds get 401' },
  'outside-vpc': {
    field: 'outsideVpc',
    kind: flag,
    where: 'network',
    help: 'this machine is outside every cluster\'s VPC: the API server of a cluster whose endpoint is private only drops its connections unanswered',
  },
} as const satisfies Record<string, FaultEntry>;

type Table = typeof FAULT_TABLE;
export type FaultName = keyof Table;
type ValueOf<K> = K extends FaultKind<infer T> ? T : never;

/** Every fault in force, one field per entry of FAULT_TABLE (a fault not given has its kind's `none`). */
export type Faults = { -readonly [N in FaultName as Table[N]['field']]: ValueOf<Table[N]['kind']> };

export const FAULT_NAMES = Object.keys(FAULT_TABLE) as FaultName[];

/** The entries, typed loosely enough to read and write any field through its kind. */
export function faultEntries(): [FaultName, FaultEntry & { field: keyof Faults }][] {
  return Object.entries(FAULT_TABLE) as [FaultName, FaultEntry & { field: keyof Faults }][];
}

export function noFaults(): Faults {
  return Object.fromEntries(faultEntries().map(([, entry]) => [entry.field, entry.kind.none()])) as Faults;
}

/** Parses every `--fault` spec; an unknown name or a bad value is a usage error (exit 2). */
export function parseFaults(specs: readonly string[]): Faults {
  const faults = noFaults() as Record<keyof Faults, unknown>;
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq === -1 ? spec : spec.slice(0, eq);
    const entry = Object.hasOwn(FAULT_TABLE, name) ? FAULT_TABLE[name as FaultName] : undefined;
    if (!entry) throw new UsageError(`--fault ${spec}: unknown fault "${name}" (known: ${FAULT_NAMES.join(', ')})`);
    const kind = entry.kind as FaultKind<unknown>;
    faults[entry.field] = kind.read(eq === -1 ? undefined : spec.slice(eq + 1), faults[entry.field], (why) => new UsageError(`--fault ${spec}: ${why}`), name);
  }
  return faults as Faults;
}

/** A small seeded generator, so a fault rate gives the same sequence of failures on every run. */
export function seededRandom(seed = 1): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
