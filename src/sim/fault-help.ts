// The list of faults as `--help` and the README show it, written from the fault table.
import { FAULT_NAMES, FAULT_TABLE, type FaultName } from './faults.js';

/** `eks-throttle=RATE`, `rollout-stuck`: how a fault is typed. */
export function faultUsage(name: FaultName): string {
  const { spelling } = FAULT_TABLE[name].kind;
  return spelling === '' ? name : `${name}=${spelling}`;
}

/** For `demo --help` and `sim --help`: each fault's usage and what it does. */
export function faultHelpItems(): [usage: string, description: string][] {
  return FAULT_NAMES.map((name) => [faultUsage(name), `${FAULT_TABLE[name].where}: ${FAULT_TABLE[name].help}`]);
}

/** The README's table of faults (test/sim/fault-table.test.ts holds the README to it). */
export function faultMarkdown(): string {
  // GitHub's tables end a cell at any `|`, inside code too, unless it is escaped.
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = FAULT_NAMES.map((name) => `| \`${cell(faultUsage(name))}\` | ${FAULT_TABLE[name].where} | ${cell(FAULT_TABLE[name].help)} |`);
  return ['| fault | where | what it does |', '| --- | --- | --- |', ...rows].join('\n');
}
