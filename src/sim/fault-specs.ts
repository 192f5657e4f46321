// Faults back into their `--fault` spelling, so a child process (the fake eksctl) gets exactly the faults of the
// simulator through SAFE_EKSCTL_SIM_FAULTS and parses them with the same parseFaults.
import { faultEntries, type Faults } from './faults.js';

export function faultSpecs(faults: Faults): string[] {
  return faultEntries().flatMap(([name, { field, kind }]) => kind.write(name, faults[field]));
}
