// Matching as the simulated cluster does it: the Fargate webhook's profile selectors (with `*`/`?` wildcards) and
// the API server's label and field selectors. Written apart from the product's own selector logic on purpose, so
// the simulator checks the product instead of agreeing with it by construction.
import type { LabelSelector, Labels } from './types.js';

export interface FargateProfileView {
  name: string;
  selectors: { namespace: string; labels?: Record<string, string> }[];
}

/** `*` matches any run of characters, `?` exactly one; everything else literally. */
export function globMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starV = v;
    } else if (starP !== -1) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A selector matches when its namespace matches and the pod carries every one of its labels (keys may be globs too). */
export function fargateSelectorMatches(selector: FargateProfileView['selectors'][number], namespace: string, labels: Labels): boolean {
  if (!globMatches(selector.namespace, namespace)) return false;
  return Object.entries(selector.labels ?? {}).every(([keyPattern, valuePattern]) =>
    Object.entries(labels).some(([k, v]) => globMatches(keyPattern, k) && globMatches(valuePattern, v)),
  );
}

/** The profile the webhook picks: of all matching ones, the first by name. */
export function fargateProfileFor(profiles: readonly FargateProfileView[], namespace: string, labels: Labels): FargateProfileView | undefined {
  return [...profiles]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .find((profile) => profile.selectors.some((s) => fargateSelectorMatches(s, namespace, labels)));
}

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: '=' | '!='; values: [string] };

export class SelectorSyntaxError extends Error {}

/** Parses a `labelSelector` query parameter: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export function parseLabelSelector(text: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const requirements: Requirement[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      requirements.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter(Boolean) });
    } else if ((m = part.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/))) {
      requirements.push({ key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] });
    } else if ((m = part.match(/^!\s*([\w./-]+)$/))) {
      requirements.push({ key: m[1]!, op: '!exists' });
    } else if ((m = part.match(/^([\w./-]+)$/))) {
      requirements.push({ key: m[1]!, op: 'exists' });
    } else {
      throw new SelectorSyntaxError(`unable to parse requirement: ${part}`);
    }
  }
  return requirements;
}

export function requirementsMatch(requirements: readonly Requirement[], labels: Labels): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
        return has && value === r.values[0];
      case '!=':
        return !has || value !== r.values[0];
      case 'in':
        return has && r.values.includes(value!);
      case 'notin':
        return !has || !r.values.includes(value!);
    }
  });
}

/** A workload's `spec.selector`, as the controllers use it to find their pods. */
export function labelSelectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const matchLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const expressions = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]!);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
  return matchLabels && expressions;
}

/** Formats `spec.selector` as the selector string kubectl shows. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Parses a `fieldSelector` query parameter: `metadata.name=x,status.phase!=Running`. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const m = part.match(/^([\w.]+)\s*(==|=|!=)\s*(.*)$/);
      if (!m) throw new SelectorSyntaxError(`invalid selector: '${part}'; can't understand '${part}'`);
      return { field: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! } as FieldRequirement;
    });
}

/** Reads a dotted field path such as `spec.nodeName` or `involvedObject.name`; absent fields read as "". */
export function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? '' : String(current);
}
