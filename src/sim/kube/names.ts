// Names and hashes the way Kubernetes makes them, so objects look familiar in kubectl output.
import { seededRandom } from '../faults.js';

/** The alphabet of `utilrand.String`: no vowels, no confusable digits. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** A seeded source of the 5-character suffixes of generated names. */
export function nameSuffixes(seedText: string): () => string {
  const random = seededRandom(fnv32a(seedText));
  return () => Array.from({ length: 5 }, () => ALPHANUMS[Math.floor(random() * ALPHANUMS.length)]).join('');
}

export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Like the deployment controller's `pod-template-hash`: fnv32a of the template, spelled with `SafeEncodeString`. */
export function podTemplateHash(template: unknown): string {
  return safeEncode(String(fnv32a(stableJson(template))));
}

function safeEncode(text: string): string {
  return [...text].map((ch) => ALPHANUMS[ch.charCodeAt(0) % ALPHANUMS.length]).join('');
}

/** JSON with sorted keys, so equal templates hash equally whatever order their fields came in. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Simulated private addresses in 192.168.0.0/16, never handed out twice in one cluster. */
export class AddressPool {
  private readonly used = new Set<string>();
  private readonly random: () => number;

  constructor(seedText: string) {
    this.random = seededRandom(fnv32a(`ip:${seedText}`));
  }

  next(): [number, number] {
    for (;;) {
      const third = 64 + Math.floor(this.random() * 128);
      const fourth = 2 + Math.floor(this.random() * 252);
      const ip = `${third}.${fourth}`;
      if (this.used.has(ip)) continue;
      this.used.add(ip);
      return [third, fourth];
    }
  }
}
