// What the fake eksctl takes from its environment: the simulator's `env` (see src/sim/index.ts) sets all of it.
import { parseFaults, type Faults } from '../faults.js';
import { EksctlError } from './errors.js';

export const DEFAULT_EKSCTL_VERSION = '0.230.0';
/** eksctl v0.230.0's api.DefaultVersion (pkg/apis/eksctl.io/v1alpha5/types.go). */
export const DEFAULT_KUBERNETES_VERSION = '1.34';

/** The time scale of a simulator on virtual time (src/sim/index.ts sets it). */
export const VIRTUAL_TIME_SCALE = 'virtual';

export interface FakeEksctlSettings {
  /** Real seconds per simulated second; undefined when the simulator runs on virtual time. */
  timeScale: number | undefined;
  eksctlVersion: string;
  faults: Faults;
}

export function readSettings(env: NodeJS.ProcessEnv): FakeEksctlSettings {
  const virtual = env.SAFE_EKSCTL_SIM_TIME_SCALE === VIRTUAL_TIME_SCALE;
  const timeScale = virtual ? undefined : Number(env.SAFE_EKSCTL_SIM_TIME_SCALE ?? '1');
  if (timeScale !== undefined && (!(timeScale > 0) || !Number.isFinite(timeScale))) {
    throw new EksctlError(`SAFE_EKSCTL_SIM_TIME_SCALE must be a positive number, got "${env.SAFE_EKSCTL_SIM_TIME_SCALE}"`);
  }
  return {
    timeScale,
    eksctlVersion: env.SAFE_EKSCTL_SIM_EKSCTL_VERSION || DEFAULT_EKSCTL_VERSION,
    faults: parseFaults(faultSpecs(env.SAFE_EKSCTL_SIM_FAULTS)),
  };
}

function faultSpecs(json: string | undefined): string[] {
  if (!json) return [];
  let specs: unknown;
  try {
    specs = JSON.parse(json);
  } catch {
    throw new EksctlError(`SAFE_EKSCTL_SIM_FAULTS is not JSON: ${json}`);
  }
  if (!Array.isArray(specs) || !specs.every((s) => typeof s === 'string')) {
    throw new EksctlError('SAFE_EKSCTL_SIM_FAULTS must be a JSON array of fault specs');
  }
  return specs;
}
