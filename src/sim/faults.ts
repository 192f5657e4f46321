// Fault specs, spelled the same for `sim`, `demo` and tests: `--fault NAME[=VALUE]`, repeatable.
import { UsageError } from '../errors.js';
import { EKS_OPERATIONS } from './eks/operations.js';

export const EKSCTL_PHASES = ['control-plane', 'addons', 'fargate', 'nodegroups'] as const;
export type EksctlPhase = (typeof EKSCTL_PHASES)[number];

export interface Faults {
  /** Share (0–1) of EKS calls answered with ThrottlingException 429. */
  eksThrottle: number;
  /** Share of EKS calls answered with ServerException 500. */
  eks5xx: number;
  /** Share of EKS calls whose connection is dropped without an answer. */
  eksReset: number;
  /** Share of Kubernetes calls answered with 500. */
  kube5xx: number;
  /** EKS operations answered with AccessDeniedException 403, as for a role without that permission. */
  eksAccessDenied: string[];
  /** Profiles that end CREATE_FAILED with a health issue. */
  profileCreateFailed: string[];
  /** The fake eksctl exits with this code, at this phase (default: control-plane). */
  eksctlExit: { code: number; phase: EksctlPhase } | undefined;
  /** Simulated seconds a profile stays invisible to admission after turning ACTIVE. */
  webhookDelaySeconds: number | undefined;
  /**
   * Simulated seconds the Fargate webhook takes to answer. The API server waits at most its timeoutSeconds (5) and
   * then, failurePolicy Ignore, admits the pod unmutated (eks-facts.md): over 5 s no pod is ever captured.
   */
  webhookLatencySeconds: number | undefined;
  /**
   * Dry-run pod creates are refused: 403 as for an identity without RBAC `create pods` (every pod create by a client is
   * then refused, dry-run or not), 400 as when another mutating webhook does not declare sideEffects None.
   */
  dryRunRefused: 400 | 403 | undefined;
  /** Simulated seconds from Fargate admission to a Running pod. */
  fargateStartSeconds: number | undefined;
  /** New pods never become Ready. */
  rolloutStuck: boolean;
  /** Tokens older than this many simulated seconds get 401. */
  tokenTtlSeconds: number | undefined;
  /** This machine is outside every cluster's VPC: a private-only API server drops its connections unanswered. */
  outsideVpc: boolean;
}

export function noFaults(): Faults {
  return {
    eksThrottle: 0,
    eks5xx: 0,
    eksReset: 0,
    kube5xx: 0,
    eksAccessDenied: [],
    profileCreateFailed: [],
    eksctlExit: undefined,
    webhookDelaySeconds: undefined,
    webhookLatencySeconds: undefined,
    dryRunRefused: undefined,
    fargateStartSeconds: undefined,
    rolloutStuck: false,
    tokenTtlSeconds: undefined,
    outsideVpc: false,
  };
}

export const FAULT_NAMES = [
  'eks-throttle',
  'eks-5xx',
  'eks-reset',
  'kube-5xx',
  'eks-access-denied',
  'profile-create-failed',
  'eksctl-exit',
  'webhook-delay',
  'webhook-latency',
  'dry-run-refused',
  'fargate-start',
  'rollout-stuck',
  'token-ttl',
  'outside-vpc',
] as const;

/** Parses every `--fault` spec; an unknown name or a bad value is a usage error (exit 2). */
export function parseFaults(specs: readonly string[]): Faults {
  const faults = noFaults();
  for (const spec of specs) applyFault(faults, spec);
  return faults;
}

function applyFault(faults: Faults, spec: string): void {
  const eq = spec.indexOf('=');
  const name = eq === -1 ? spec : spec.slice(0, eq);
  const value = eq === -1 ? undefined : spec.slice(eq + 1);
  const bad = (why: string) => new UsageError(`--fault ${spec}: ${why}`);
  const rate = () => {
    const n = Number(value ?? '1');
    if (!Number.isFinite(n) || n < 0 || n > 1) throw bad('RATE must be a number from 0 to 1');
    return n;
  };
  const seconds = () => {
    const n = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(n) || n < 0) throw bad('SECONDS must be a number ≥ 0');
    return n;
  };
  switch (name) {
    case 'eks-throttle':
      faults.eksThrottle = rate();
      return;
    case 'eks-5xx':
      faults.eks5xx = rate();
      return;
    case 'eks-reset':
      faults.eksReset = rate();
      return;
    case 'kube-5xx':
      faults.kube5xx = rate();
      return;
    case 'eks-access-denied': {
      if (!value || !(EKS_OPERATIONS as readonly string[]).includes(value)) throw bad(`OPERATION must be one of ${EKS_OPERATIONS.join(', ')}`);
      faults.eksAccessDenied.push(value);
      return;
    }
    case 'profile-create-failed':
      if (!value) throw bad('needs the profile name: profile-create-failed=NAME');
      faults.profileCreateFailed.push(value);
      return;
    case 'eksctl-exit': {
      const [codeText, phase = 'control-plane'] = (value ?? '1').split('@');
      const code = Number(codeText);
      if (!Number.isInteger(code) || code < 0 || code > 255) throw bad('CODE must be an integer 0–255');
      if (!(EKSCTL_PHASES as readonly string[]).includes(phase)) throw bad(`PHASE must be one of ${EKSCTL_PHASES.join(', ')}`);
      faults.eksctlExit = { code, phase: phase as EksctlPhase };
      return;
    }
    case 'webhook-delay':
      faults.webhookDelaySeconds = seconds();
      return;
    case 'webhook-latency':
      faults.webhookLatencySeconds = seconds();
      return;
    case 'dry-run-refused':
      if (value !== '403' && value !== '400') throw bad('CODE must be 403 (no RBAC create pods) or 400 (a webhook without dry-run support)');
      faults.dryRunRefused = Number(value) as 400 | 403;
      return;
    case 'fargate-start':
      faults.fargateStartSeconds = seconds();
      return;
    case 'rollout-stuck':
      if (value !== undefined) throw bad('takes no value');
      faults.rolloutStuck = true;
      return;
    case 'token-ttl':
      faults.tokenTtlSeconds = seconds();
      return;
    case 'outside-vpc':
      if (value !== undefined) throw bad('takes no value');
      faults.outsideVpc = true;
      return;
    default:
      throw new UsageError(`--fault ${spec}: unknown fault "${name}" (known: ${FAULT_NAMES.join(', ')})`);
  }
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
