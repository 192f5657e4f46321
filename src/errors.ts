// Exit codes are part of the public contract (README "Exit codes"); every command maps its failures onto these.
export const ExitCode = {
  ok: 0,
  unhealthy: 1,
  usage: 2,
  fargateProfile: 3,
  coreDns: 4,
  eksctl: 5,
  /** The cluster's API server cannot be reached from here (a private endpoint seen from outside its VPC). */
  unreachable: 6,
  interrupted: 130,
} as const;

/** What each exit code means, in a few words (README "Exit codes"). */
export const EXIT_CODE_MEANINGS: Readonly<Record<number, string>> = {
  [ExitCode.ok]: 'the cluster is healthy',
  [ExitCode.unhealthy]: 'not healthy, or the operation failed',
  [ExitCode.usage]: 'usage or config error, nothing started',
  [ExitCode.fargateProfile]: 'a Fargate profile failed or timed out',
  [ExitCode.coreDns]: 'CoreDNS did not become ready',
  [ExitCode.eksctl]: 'eksctl failed',
  [ExitCode.interrupted]: 'interrupted',
};

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user should see as one line, carrying the exit code the bin turns it into. */
export class SafeEksctlError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SafeEksctlError';
  }
}

/** Bad flags or a bad config: nothing was started. */
export class UsageError extends SafeEksctlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
    this.name = 'UsageError';
  }
}

export class NotImplementedError extends SafeEksctlError {
  constructor(command: string) {
    super(`${command}: not implemented yet`, ExitCode.unhealthy);
    this.name = 'NotImplementedError';
  }
}

/** The line a run that failed ends with on stderr, and the exit code it ends with. */
export function reportFailure(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof SafeEksctlError) {
    stderr.write(`safe-eksctl: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stderr.write(`safe-eksctl: unexpected error: ${message}\n`);
  return ExitCode.unhealthy;
}
