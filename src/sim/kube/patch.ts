// PATCH bodies as the API server applies them: JSON Patch (RFC 6902, through fast-json-patch), JSON Merge Patch
// (RFC 7386) and a strategic merge patch that knows the merge keys of the lists the simulator's objects carry.
import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';

export type PatchType = 'json' | 'merge' | 'strategic';

export class PatchError extends Error {}

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json-patch+json') return 'json';
  if (type === 'application/merge-patch+json') return 'merge';
  if (type === 'application/strategic-merge-patch+json') return 'strategic';
  return undefined;
}

export function applyPatch<T>(target: T, type: PatchType, patch: unknown): T {
  if (type === 'json') {
    if (!Array.isArray(patch)) throw new PatchError('json patch must be an array of operations');
    try {
      return jsonPatch.applyPatch(structuredClone(target), patch as Operation[], true, false).newDocument;
    } catch (error) {
      throw new PatchError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
    }
  }
  if (!isObject(patch)) throw new PatchError('patch body must be a JSON object');
  return (type === 'merge' ? mergePatch(target, patch) : strategicMerge(target, patch, [])) as T;
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** The patchMergeKey of each list field, from the Kubernetes API types. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  finalizers: '',
};

function strategicMerge(target: unknown, patch: Record<string, unknown>, path: string[]): unknown {
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const result: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((value as unknown[]) ?? []);
      if (Array.isArray(result[field])) result[field] = (result[field] as unknown[]).filter((v) => !drop.has(v));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value) && key in MERGE_KEYS) {
      result[key] = mergeList(result[key], value, MERGE_KEYS[key]!, [...path, key]);
    } else if (isObject(value)) {
      const merged = strategicMerge(result[key], value, [...path, key]);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = structuredClone(value);
    }
  }
  if (retainKeys) for (const key of Object.keys(result)) if (!retainKeys.includes(key) && !(key in patch)) delete result[key];
  return result;
}

function mergeList(target: unknown, patch: unknown[], mergeKey: string, path: string[]): unknown[] {
  const current = Array.isArray(target) ? structuredClone(target) : [];
  if (!mergeKey) return [...new Set([...current, ...patch])];
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace')).map((item) => structuredClone(item));
  }
  for (const item of patch) {
    if (!isObject(item)) {
      current.push(structuredClone(item));
      continue;
    }
    const index = current.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index !== -1) current.splice(index, 1);
    } else if (index === -1) current.push(strategicMerge(undefined, item, path));
    else current[index] = strategicMerge(current[index], item, path);
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
