// eksctl's own lines pass through safe-eksctl (screen, --log-file, error messages). Whatever eksctl prints, no
// credential or EKS token leaves through us: they are masked before a line goes anywhere.

const EKS_TOKEN = /k8s-aws-v1\.[A-Za-z0-9_-]+/g;
/** Environment variables whose values are secrets eksctl can see. */
const SECRET_ENV = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'];
/** Shorter values are not credentials, and masking them would mangle ordinary words. */
const MIN_SECRET_LENGTH = 8;
export const REDACTED = '[redacted]';

/** A function that masks EKS bearer tokens and the given secrets (plus those in `env`) in a line. */
export function redactor(env: NodeJS.ProcessEnv, secrets: readonly (string | undefined)[] = []): (line: string) => string {
  const known = [...SECRET_ENV.map((name) => env[name]), ...secrets].filter(
    (value): value is string => value !== undefined && value.length >= MIN_SECRET_LENGTH,
  );
  // Longest first, so a secret that contains another is masked whole.
  const unique = [...new Set(known)].sort((a, b) => b.length - a.length);
  return (line) => {
    let masked = line.replace(EKS_TOKEN, `k8s-aws-v1.${REDACTED}`);
    for (const secret of unique) masked = masked.split(secret).join(REDACTED);
    return masked;
  };
}
