// Each command's options, read by one zod schema from what commander (or ./create-argv.ts, for create) hands the
// command: camel-cased keys, text values, true for a flag given. The defaults are core/defaults.ts's. A bad value is
// one UsageError line naming the flag (exit 2), thrown before anything starts.
import { z } from 'zod';
import { OPTION_DEFAULTS } from '../core/defaults.js';
import { parseDuration } from '../core/duration.js';
import { normalizeEksctlVersion, UNKNOWN_VERSION } from '../core/version.js';
import { UsageError } from '../errors.js';

/** The schema's typed output, or the first problem as the one line the CLI prints. */
export function parseOptions<S extends z.ZodType>(schema: S, options: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const key = issue?.path[0];
  // Our own messages name their flag; zod's (a value of the wrong type, from a caller other than the CLI) get it here.
  const message = issue === undefined ? 'bad options' : issue.message.startsWith('-') || key === undefined ? issue.message : `${flagOf(String(key))}: ${issue.message}`;
  throw new UsageError(message);
}

const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Reads text with a function that throws a UsageError, which becomes the schema's issue. */
const readWith =
  <T>(read: (text: string) => T) =>
  (text: string, ctx: z.RefinementCtx): T => {
    try {
      return read(text);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  };

/** A flag's value as text: commander's strings, or a number from a caller in process. */
export const flagText = () => z.coerce.string();

/** Text kept as given, '' too (a `--log-file ''` is a mistake to name, not an absent flag). */
const given = () => z.string().optional();

/** Text where '' means not given (`--region ''` leaves the region to AWS_REGION, as no flag does). */
export const word = () => z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

const flag = () => z.boolean().optional().transform((on) => on === true);

export const duration = (name: string, fallback: string) => flagText().transform(readWith((text) => parseDuration(text, name))).prefault(fallback);

const output = z.enum(['text', 'json'], { error: (issue) => `--output ${String(issue.input)}: must be text or json` }).prefault(OPTION_DEFAULTS.output);

const pollInterval = flagText()
  .transform((text, ctx) => {
    const seconds = Number(text);
    if (Number.isFinite(seconds) && seconds > 0) return Math.round(seconds * 1_000);
    ctx.addIssue({ code: 'custom', message: `--poll-interval ${text}: must be a number of seconds above zero` });
    return z.NEVER;
  })
  .prefault(OPTION_DEFAULTS.pollInterval);

const required = (what: string) => z.string({ error: `${what} is required` }).min(1, { error: `${what} is required` });

/** What every command that waits for profiles and heals reads alike: create, create fargateprofile, heal, demo. */
const pipelineShape = {
  output,
  /** `--more-lines`; heal and demo, which are not eksctl's, still take their old `--verbose`. */
  moreLines: flag(),
  verbose: flag(),
  /** `--poll-interval` in ms: the longest pause between two DescribeFargateProfile calls. */
  pollInterval,
  fargateTimeout: duration('--fargate-timeout', OPTION_DEFAULTS.fargateTimeout),
  corednsTimeout: duration('--coredns-timeout', OPTION_DEFAULTS.corednsTimeout),
  workloadsTimeout: duration('--workloads-timeout', OPTION_DEFAULTS.workloadsTimeout),
  workloads: flag(),
  deleteStrandedPods: flag(),
  kubeconfig: given(),
  context: given(),
};

type PipelineInput = z.output<z.ZodObject<typeof pipelineShape>>;

/** The options of a pipeline, under the names the pipeline uses. */
function pipelineOptions(input: PipelineInput, ctx: z.RefinementCtx) {
  // Without --workloads no stranded pod is looked for, so the flag would quietly do nothing.
  if (input.deleteStrandedPods && !input.workloads) {
    ctx.addIssue({ code: 'custom', message: '--delete-stranded-pods needs --workloads: only the stranded workloads it finds are deleted' });
  }
  const { moreLines, verbose, pollInterval: pollIntervalMs, fargateTimeout, corednsTimeout, workloadsTimeout, kubeconfig, context, ...rest } = input;
  return {
    ...rest,
    verbose: moreLines || verbose,
    pollIntervalMs,
    fargateTimeoutMs: fargateTimeout,
    corednsTimeoutMs: corednsTimeout,
    workloadsTimeoutMs: workloadsTimeout,
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
  };
}

export type PipelineOptions = ReturnType<typeof pipelineOptions>;

const eksctlShape = {
  eksctl: given(),
  logFile: given(),
  /** eksctl's words after `create <resource>`, in the user's order: everything that is not safe-eksctl's own. */
  eksctlArgs: z.array(z.string()).default([]),
};

function withoutAbsent<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `create cluster`. `configFile` (the demo's and the bench's way to name the config) is eksctl's `-f`, put first. */
export const createOptionsShape = { ...pipelineShape, ...eksctlShape, force: flag(), heal: z.boolean().default(true), configFile: given() };

export function toCreateOptions(input: z.output<z.ZodObject<typeof createOptionsShape>>, ctx: z.RefinementCtx) {
  const { configFile, eksctlArgs, eksctl, logFile, force, heal, ...pipeline } = input;
  return {
    ...pipelineOptions(pipeline, ctx),
    ...withoutAbsent({ eksctl, logFile }),
    force,
    heal,
    eksctlArgs: configFile === undefined ? eksctlArgs : ['-f', configFile, ...eksctlArgs],
  };
}

export const createOptionsSchema = z.object(createOptionsShape).transform(toCreateOptions);

export type CreateOptions = z.output<typeof createOptionsSchema>;

export const createFargateProfileOptionsSchema = z.object({ ...pipelineShape, ...eksctlShape }).transform((input, ctx) => {
  const { eksctlArgs, eksctl, logFile, ...pipeline } = input;
  return { ...pipelineOptions(pipeline, ctx), ...withoutAbsent({ eksctl, logFile }), eksctlArgs };
});

export type CreateFargateProfileOptions = z.output<typeof createFargateProfileOptionsSchema>;

/** The options of the commands that name an existing cluster. */
const clusterShape = { cluster: z.preprocess((value) => (value === '' ? undefined : value), required('--cluster NAME')), region: word(), profile: word() };

export const healOptionsSchema = z.object({ ...pipelineShape, ...clusterShape }).transform((input, ctx) => {
  const { cluster, region, profile, ...pipeline } = input;
  return { ...pipelineOptions(pipeline, ctx), cluster, ...withoutAbsent({ region, profile }) };
});

export type HealOptions = z.output<typeof healOptionsSchema>;

/** `check`; callers in process may leave the timeout out. */
export interface CheckOptions {
  cluster: string;
  region?: string;
  profile?: string;
  kubeconfig?: string;
  context?: string;
  output: 'text' | 'json';
  /** `--check-timeout`: the whole check, every retry included (2 minutes unless given). */
  checkTimeoutMs?: number;
}

export const checkOptionsSchema = z
  .object({
    ...clusterShape,
    kubeconfig: word(),
    context: word(),
    output,
    checkTimeout: z.preprocess((value) => (value === '' ? undefined : value), duration('--check-timeout', OPTION_DEFAULTS.checkTimeout)),
  })
  .transform(({ cluster, output: format, checkTimeout, ...rest }): CheckOptions => ({ cluster, output: format, ...withoutAbsent(rest), checkTimeoutMs: checkTimeout }));

export const planOptionsSchema = z.object({
  configFile: required('-f, --config-file FILE'),
  output,
  eksctl: given(),
  /** Judge for this version instead of asking eksctl; UNKNOWN_VERSION judges by the old rules. */
  eksctlVersion: z
    .string()
    .transform((text, ctx) => {
      if (text === UNKNOWN_VERSION) return UNKNOWN_VERSION;
      const version = normalizeEksctlVersion(text);
      if (version !== undefined) return version;
      ctx.addIssue({ code: 'custom', message: `--eksctl-version: not a version: ${text} (e.g. 0.207.0)` });
      return z.NEVER;
    })
    .optional(),
});

export type PlanOptions = z.output<typeof planOptionsSchema>;

export const getTokenOptionsSchema = z
  .object({ clusterName: given(), clusterId: given(), region: given(), roleArn: given(), profile: given() })
  .transform(({ clusterName, clusterId, ...rest }, ctx) => {
    // A local cluster on Outposts signs its tokens for its ID, as `aws eks get-token --cluster-id` does.
    const signedFor = clusterId ?? clusterName;
    if (!signedFor) ctx.addIssue({ code: 'custom', message: '--cluster-name NAME (or --cluster-id ID for a cluster on Outposts) is required' });
    else if (clusterId && clusterName) ctx.addIssue({ code: 'custom', message: '--cluster-name and --cluster-id cannot be used together' });
    return signedFor ? { signedFor, ...withoutAbsent(rest) } : z.NEVER;
  });

export type GetTokenOptions = z.output<typeof getTokenOptionsSchema>;
