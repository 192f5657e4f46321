// A create that was interrupted or failed once eksctl had started may have left a control plane and Fargate profiles
// in AWS, which cost money whether or not anyone remembers them. The report lists what is there (or may be), and the
// command that removes it all: `eksctl delete cluster` deletes eksctl's CloudFormation stacks, the cluster and its
// profiles with them.
// Types only: create imports this before the AWS SDK is loaded.
import type { EksApi, EksApiError } from '../adapters/eks.js';
import type { LeftInAws } from '../report.js';

/** The look after a failure is one DescribeCluster and one ListFargateProfiles: bounded, even after Ctrl-C. */
export const LOOK_TIMEOUT_MS = 15_000;

export interface LeftInAwsOptions {
  clusterName: string;
  region: string;
  /** The config as the user named it; undefined when it came on stdin (`-f -`). */
  configFile: string | undefined;
  /** `-p/--profile`, for the delete command. */
  profile?: string;
  /** Profiles the run saw on its way (the watch, the wait), in case the look itself fails. */
  seenProfiles: readonly string[];
  /** A second Ctrl-C: stop looking. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** `eksctl delete cluster -f cluster.yaml`, or by name and region when the config came on stdin. */
export function deleteCommand({ clusterName, region, configFile, profile }: Pick<LeftInAwsOptions, 'clusterName' | 'region' | 'configFile' | 'profile'>): string {
  const target = configFile === undefined ? `--name ${quoted(clusterName)} --region ${quoted(region)}` : `-f ${quoted(configFile)}`;
  return `eksctl delete cluster ${target}${profile ? ` --profile ${quoted(profile)}` : ''}`;
}

/** What the failed create left in AWS, looked up once; what could not be looked up is listed as what may exist. */
export async function lookWhatIsLeft(eks: EksApi, options: LeftInAwsOptions): Promise<LeftInAws> {
  const { clusterName, region, seenProfiles } = options;
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? LOOK_TIMEOUT_MS), ...(options.signal ? [options.signal] : [])]);
  const base = { cluster: clusterName, region, deleteCommand: deleteCommand(options) };
  try {
    const status = await eks.describeCluster(clusterName, signal).then(
      (cluster) => cluster.status,
      (error: unknown) => {
        if ((error as Partial<EksApiError> | undefined)?.kind === 'notFound') return null;
        throw error;
      },
    );
    if (status === null) {
      const stack = `eksctl-${clusterName}-cluster`;
      return { ...base, clusterStatus: null, fargateProfiles: [...seenProfiles], checked: true, detail: `no EKS cluster yet; eksctl's CloudFormation stack ${stack} may exist` };
    }
    const listed = await eks.listFargateProfiles(clusterName, signal);
    return { ...base, clusterStatus: status, fargateProfiles: [...new Set([...listed, ...seenProfiles])].sort(), checked: true };
  } catch (error) {
    const why = error instanceof Error && error.name === 'AbortError' ? 'no answer in time' : error instanceof Error ? error.message : String(error);
    return { ...base, clusterStatus: null, fargateProfiles: [...seenProfiles], checked: false, detail: `could not look: ${why}` };
  }
}

/** A shell word as typed: bare when it is plain, else single-quoted. */
function quoted(word: string): string {
  return /^[\w./:@=+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
