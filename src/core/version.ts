// eksctl versions as `eksctl version` prints them: "0.207.0", "0.230.0-dev+abc.20250101T000000", "0.231.0-rc.1",
// or "unknown" when no eksctl answered. Prerelease builds sort before their release (semver), which is the safe
// direction: a 0.208.0-dev build is judged by the old rules, so safe-eksctl heals rather than trusts eksctl.
import { compare, parse } from 'semver';

export const UNKNOWN_VERSION = 'unknown';
/** First eksctl whose CoreDNS step also recognises `eks.amazonaws.com/component: coredns` selectors. */
export const EKSCTL_COMPONENT_LABEL_FIX = '0.208.0';

const VERSION_IN_TEXT = /\bv?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?/;

/** The version in the output of `eksctl version` (plain or `-o json`), or undefined. */
export function parseEksctlVersion(output: string): string | undefined {
  const found = VERSION_IN_TEXT.exec(output)?.[0];
  return found === undefined ? undefined : normalizeEksctlVersion(found);
}

/** "v0.230.0-dev+abc" → "0.230.0-dev+abc"; "unknown" or garbage → undefined. */
export function normalizeEksctlVersion(version: string): string | undefined {
  const parsed = parse(version.trim(), { loose: true });
  if (parsed === null) return undefined;
  return parsed.build.length > 0 ? `${parsed.version}+${parsed.build.join('.')}` : parsed.version;
}

export function isKnownVersion(version: string | undefined): version is string {
  return version !== undefined && normalizeEksctlVersion(version) !== undefined;
}

/** Orders versions; unknown ones sort before every known version. */
export function compareEksctlVersions(a: string | undefined, b: string | undefined): number {
  const left = a === undefined ? null : parse(a.trim(), { loose: true });
  const right = b === undefined ? null : parse(b.trim(), { loose: true });
  if (left === null || right === null) return left === right ? 0 : left === null ? -1 : 1;
  return compare(left, right);
}

/** True only for a known version at or above `minimum`: an unknown eksctl gets the old rules. */
export function eksctlAtLeast(version: string | undefined, minimum: string): boolean {
  return isKnownVersion(version) && compareEksctlVersions(version, minimum) >= 0;
}
