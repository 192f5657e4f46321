// Fargate profile selection, as the EKS Fargate admission webhook does it (../shared/design/eks-facts.md, "EKS API
// facts"): a selector matches when the namespace and every one of its labels match the pod; `*` and `?` work in
// namespaces, label keys and label values; of several matching profiles the first by name wins.

export interface SelectorLike {
  namespace: string;
  labels?: Readonly<Record<string, string>> | null | undefined;
}

export interface ProfileLike {
  name: string;
  selectors: readonly SelectorLike[];
}

export interface PodIdentity {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

const patternCache = new Map<string, RegExp>();

/** `*` matches any run of characters (also none), `?` exactly one; everything else matches itself. */
export function globMatch(pattern: string, value: string): boolean {
  let regex = patternCache.get(pattern);
  if (regex === undefined) {
    const body = Array.from(pattern, (char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'),
    ).join('');
    regex = new RegExp(`^${body}$`, 'su');
    patternCache.set(pattern, regex);
  }
  return regex.test(value);
}

export function selectorMatches(selector: SelectorLike, pod: PodIdentity): boolean {
  if (!globMatch(selector.namespace, pod.namespace)) return false;
  const podLabels = Object.entries(pod.labels);
  return Object.entries(selector.labels ?? {}).every(([key, value]) =>
    podLabels.some(([podKey, podValue]) => globMatch(key, podKey) && globMatch(value, podValue)),
  );
}

/** Fargate orders profile names by plain code points ("alphanumeric"), not by locale. */
export function byProfileName(a: ProfileLike, b: ProfileLike): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The profile Fargate would pick for this pod, or undefined when none captures it. */
export function matchingProfile<P extends ProfileLike>(profiles: readonly P[], pod: PodIdentity): P | undefined {
  return [...profiles].sort(byProfileName).find((profile) => profile.selectors.some((s) => selectorMatches(s, pod)));
}
