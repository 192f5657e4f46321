// The simulated eksctl in the caller's own process, as the product's EksctlRunner (CreateDeps.eksctlRunner): it runs
// on the simulator's clock, with the environment and working directory the product gives eksctl, and stops when the
// product interrupts it. On virtual time its whole run is work the clock waits for, except while it sleeps on it.
import type { EksctlRunner } from '../../adapters/eksctl.js';
import type { SimClock } from '../clock.js';
import { main } from './main.js';

export function inProcessEksctl(clock: SimClock): EksctlRunner {
  return (args, io) =>
    clock.track(() => main(args, { stdout: io.stdout, stderr: io.stderr, stdin: io.stdin, env: io.env, cwd: io.cwd }, { clock, signal: io.signal }));
}
