// Selector label keys and values as Fargate takes them. Pure: Kubernetes label syntax (apimachinery's
// IsQualifiedName and IsValidLabelValue), with the two wildcards Fargate selectors add: `*` and `?` stand for
// characters, so they may appear wherever a letter may.
const LABEL_NAME = /^[A-Za-z0-9*?]([-A-Za-z0-9_.*?]*[A-Za-z0-9*?])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?(\.[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?)*$/;
const LABEL_NAME_MAX = 63;
const LABEL_PREFIX_MAX = 253;
const NAME_RULE = 'letters, digits, "-", "_", "." (and the wildcards * and ?), starting and ending with a letter or digit';

/** Why a selector's label key is no label key, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > LABEL_PREFIX_MAX || !DNS_SUBDOMAIN.test(prefix)) {
      return 'the prefix before "/" must be a DNS subdomain such as example.com (lowercase, at most 253 characters)';
    }
  }
  if (name.length === 0) return 'the name is empty';
  if (name.length > LABEL_NAME_MAX) return `the name is longer than ${LABEL_NAME_MAX} characters`;
  if (!LABEL_NAME.test(name)) return `the name may contain only ${NAME_RULE}`;
  return undefined;
}

/** Why a selector's label value is no label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > LABEL_NAME_MAX) return `longer than ${LABEL_NAME_MAX} characters`;
  if (!LABEL_NAME.test(value)) return `it may contain only ${NAME_RULE}`;
  return undefined;
}
