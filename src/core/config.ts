// Reading and judging an eksctl ClusterConfig. Only the fields safe-eksctl relies on are checked; everything else is
// passed through untouched so eksctl stays the judge of its own schema (it rejects unknown fields itself).
import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isScalar, parseAllDocuments, parse as parseYaml, type Document } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { labelKeyProblem, labelValueProblem } from './labels.js';

// eksctl checks names with IsInvalidNameArg (`[^a-zA-Z0-9-]` is invalid) and EKS wants an alphanumeric first
// character and at most 100 characters; anything else fails in eksctl or at the EKS API anyway.
const CLUSTER_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const CLUSTER_NAME_MAX = 100;
/** eksctl resolves "auto" (and an absent version) to its default, "latest" to its newest. */
const KUBERNETES_VERSION = /^(\d+\.\d+|auto|latest)$/;
const MAX_SELECTORS = 5;
const MAX_SELECTOR_LABELS = 5;
/** eksctl refuses profile names with this prefix: AWS reserves it. */
const RESERVED_PROFILE_PREFIX = 'eks-';
// CreateFargateProfile's fargateProfileName (the EKS API model): 1–100 characters, letters, digits, "-" and "_",
// starting with a letter or digit. eksctl does not check it, so a bad name fails only after the control plane exists.
const PROFILE_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]*$/;
const PROFILE_NAME_MAX = 100;
// Every region of every AWS partition is lowercase words joined by "-" ending in a number (us-west-2, us-gov-east-1,
// cn-north-1, us-isob-east-1, eusc-de-east-1). eksctl checks the name against its own list; the syntax is what stays
// true as regions are added.
const REGION = /^[a-z]{2,}(-[a-z]+)+-[0-9]+$/;

const typeName = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a map' : `a ${typeof value}`;

const requiredString = () =>
  z.string({
    error: (issue) => (issue.input === undefined ? 'is required' : `must be a string, not ${typeName(issue.input)}`),
  });

const nonEmptyString = () => requiredString().min(1, { error: 'must not be empty' });

const listOf = <T extends z.ZodType>(item: T) =>
  z.array(item, {
    error: (issue) => (issue.input === undefined ? 'is required' : `must be a list, not ${typeName(issue.input)}`),
  });

const labelMap = z
  .record(
    z.string(),
    z.string({ error: (issue) => `must be a string, not ${typeName(issue.input)}` }),
    { error: (issue) => `must be a map of strings, not ${typeName(issue.input)}` },
  )
  .refine((labels) => Object.keys(labels).length <= MAX_SELECTOR_LABELS, {
    error: `has more than ${MAX_SELECTOR_LABELS} labels (Fargate allows at most ${MAX_SELECTOR_LABELS})`,
  })
  .superRefine((labels, ctx) => {
    for (const [key, value] of Object.entries(labels)) {
      const keyProblem = labelKeyProblem(key);
      if (keyProblem) ctx.addIssue({ code: 'custom', path: [key], message: `is not a valid label key: ${keyProblem}` });
      else if (labelValueProblem(value)) ctx.addIssue({ code: 'custom', path: [key], message: `is not a valid label value: ${labelValueProblem(value)}` });
    }
  });

const selectorSchema = z.looseObject({
  namespace: nonEmptyString(),
  labels: labelMap.nullish(),
});

const fargateProfileSchema = z.looseObject({
  name: nonEmptyString()
    .max(PROFILE_NAME_MAX, { error: `must be at most ${PROFILE_NAME_MAX} characters (EKS refuses longer profile names)` })
    .regex(PROFILE_NAME, { error: 'may contain only letters, digits, "-" and "_", starting with a letter or digit (EKS refuses it otherwise)' })
    .refine((name) => !name.startsWith(RESERVED_PROFILE_PREFIX), {
      error: `must not start with "${RESERVED_PROFILE_PREFIX}" (reserved by AWS)`,
    }),
  selectors: listOf(selectorSchema)
    .min(1, { error: 'needs at least one selector' })
    .max(MAX_SELECTORS, { error: `has more than ${MAX_SELECTORS} selectors (Fargate allows at most ${MAX_SELECTORS})` }),
});

const addonSchema = z.looseObject({
  name: nonEmptyString(),
  version: requiredString().optional(),
  configurationValues: requiredString()
    .refine(isJsonOrYamlText, { error: 'must be JSON or YAML text' })
    .optional(),
});

const nodeGroupsSchema = listOf(z.looseObject({})).nullish();

/** eksctl's `*bool` fields: YAML true/false, nothing else (eksctl's JSON decoding refuses a string). */
const flag = () => z.boolean({ error: (issue) => `must be true or false, not ${typeName(issue.input)}` }).nullish();
/** A section safe-eksctl reads one or two fields of; eksctl judges the rest. */
const section = <T extends z.ZodRawShape>(shape: T) =>
  z.looseObject(shape, { error: (issue) => `must be a map, not ${typeName(issue.input)}` }).nullish();

const clusterConfigSchema = z.looseObject({
  apiVersion: z.literal('eksctl.io/v1alpha5', {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be eksctl.io/v1alpha5'),
  }),
  kind: z.literal('ClusterConfig', {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be ClusterConfig'),
  }),
  metadata: z.looseObject(
    {
      name: nonEmptyString()
        .max(CLUSTER_NAME_MAX, { error: `must be at most ${CLUSTER_NAME_MAX} characters` })
        .regex(CLUSTER_NAME, { error: 'may contain only letters, digits and "-", starting with a letter or digit' }),
      region: nonEmptyString().refine((region) => region === '' || REGION.test(region), { error: 'must be an AWS region such as "us-west-2"' }),
      version: z
        .string({ error: (issue) => `must be a string such as "1.31", not ${typeName(issue.input)}` })
        .regex(KUBERNETES_VERSION, { error: 'must be a Kubernetes version such as "1.31"' })
        .optional(),
    },
    { error: (issue) => (issue.input === undefined ? 'is required' : `must be a map, not ${typeName(issue.input)}`) },
  ),
  fargateProfiles: listOf(fargateProfileSchema)
    .superRefine((profiles, ctx) => {
      const seen = new Set<string>();
      profiles.forEach((profile, index) => {
        if (seen.has(profile.name)) {
          ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${profile.name}" is used by another profile` });
        }
        seen.add(profile.name);
      });
    })
    .nullish(),
  addons: listOf(addonSchema).nullish(),
  managedNodeGroups: nodeGroupsSchema,
  nodeGroups: nodeGroupsSchema,
  // What decides whether CoreDNS will exist, where it can run and whether the API server can be reached from here.
  autoModeConfig: section({
    enabled: flag(),
    nodePools: listOf(z.string({ error: (issue) => `must be a string, not ${typeName(issue.input)}` })).nullish(),
  }),
  addonsConfig: section({ disableDefaultAddons: flag() }),
  vpc: section({ clusterEndpoints: section({ publicAccess: flag(), privateAccess: flag() }) }),
  privateCluster: section({ enabled: flag() }),
  outpost: section({ controlPlaneOutpostARN: z.string({ error: (issue) => `must be a string, not ${typeName(issue.input)}` }).nullish() }),
  remoteNetworkConfig: section({}),
  karpenter: section({}),
});

export type ClusterConfig = z.infer<typeof clusterConfigSchema>;
export type FargateProfileConfig = z.infer<typeof fargateProfileSchema>;
export type Selector = z.infer<typeof selectorSchema>;
export type AddonConfig = z.infer<typeof addonSchema>;

export interface LoadedConfig {
  config: ClusterConfig;
  /** How messages name the file: the path as the user wrote it, or `<stdin>`. */
  displayName: string;
  /** The absolute path, or undefined when the config came from stdin. */
  path: string | undefined;
  /** The text as read: `create -f -` has to hand it on to eksctl's stdin. */
  text: string;
}

export const STDIN_NAME = '<stdin>';

// The largest ClusterConfig read. Real ones are a few KiB; even one with hundreds of node groups and profiles stays
// far below 1 MiB. Anything larger is a wrong file, a device or endless stdin (`yes | safe-eksctl plan -f -`), and
// reading it whole would cost minutes and gigabytes before failing anyway.
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_CONFIG_SIZE = '4 MiB';
const READ_CHUNK_BYTES = 64 * 1024;

const tooLarge = (displayName: string) => new UsageError(`${displayName}: larger than ${MAX_CONFIG_SIZE}: not a ClusterConfig`);

export async function loadClusterConfig(file: string, io: Io): Promise<LoadedConfig> {
  if (file === '-') {
    const text = await readCapped(io.stdin as AsyncIterable<Buffer | string>, STDIN_NAME);
    return { config: parseClusterConfig(text, STDIN_NAME), displayName: STDIN_NAME, path: undefined, text };
  }
  const path = resolve(io.cwd, file);
  const text = await readConfigFile(path, file);
  return { config: parseClusterConfig(text, file), displayName: file, path, text };
}

/** A regular file's size says at once whether it is too large; devices and pipes say 0, so the read is capped too. */
async function readConfigFile(path: string, file: string): Promise<string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const stats = await handle.stat();
    if (stats.isFile() && stats.size > MAX_CONFIG_BYTES) throw tooLarge(file);
    return await readCapped(chunksOf(handle), file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: ${readProblem(error)}`, { cause: error });
  } finally {
    await handle?.close();
  }
}

async function* chunksOf(handle: FileHandle): AsyncGenerator<Buffer> {
  for (;;) {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(READ_CHUNK_BYTES), 0, READ_CHUNK_BYTES, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** The whole input as UTF-8, or a UsageError as soon as it passes the cap (leaving the rest unread). */
async function readCapped(chunks: AsyncIterable<Buffer | string>, displayName: string): Promise<string> {
  const buffers: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_CONFIG_BYTES) throw tooLarge(displayName);
    buffers.push(buffer);
  }
  return Buffer.concat(buffers).toString('utf8');
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'cannot read: no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read: permission denied';
  if (code === 'EISDIR') return 'cannot read: is a directory';
  return `cannot read: ${(error as Error).message}`;
}

/** Pure: YAML text → the typed config, or a UsageError naming the file, the field and the problem. */
export function parseClusterConfig(text: string, displayName: string): ClusterConfig {
  // eksctl reads YAML with go-yaml, which honours merge keys (`<<: *defaults`); YAML 1.2 alone would keep `<<` a key.
  const documents = readYaml(displayName, () => parseAllDocuments(text, { merge: true }));
  const syntaxError = documents.flatMap((document) => document.errors)[0];
  if (syntaxError) throw notYaml(displayName, syntaxError);
  // A lone `---` after the config is an empty document, not a second config.
  const filled = documents.filter((document) => !isEmptyDocument(document));
  const [document] = filled;
  if (document === undefined) throw new UsageError(`${displayName}: is empty`);
  if (filled.length > 1) {
    throw new UsageError(`${displayName}: holds ${filled.length} YAML documents; put one ClusterConfig in the file`);
  }
  const value: unknown = readYaml(displayName, () => document.toJS());
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${displayName}: must be a ClusterConfig map, not ${typeName(value)}`);
  }
  const result = clusterConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    return `${formatPath(path)}: ${explain(issue.message, path, document)}`;
  });
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new UsageError(`${displayName}: ${problems[0]}${more}`);
}

const notYaml = (displayName: string, error: Error) =>
  new UsageError(`${displayName}: not valid YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}`, { cause: error });

// The yaml library reports most bad input in document.errors, but throws for some: an alias bomb makes toJS() throw
// a ReferenceError ("Excessive alias count indicates a resource exhaustion attack"). Whatever it throws is about the
// user's file, so it is a config error, not an unexpected one.
function readYaml<T>(displayName: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw notYaml(displayName, error instanceof Error ? error : new Error(String(error)));
  }
}

/** `fargateProfiles[1].selectors[0].labels["eks.amazonaws.com/component"]` */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      if (!/^[A-Za-z_][\w-]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return index === 0 ? key : `.${key}`;
    })
    .join('');
}

/** YAML reads `version: 1.30` as the number 1.3: show the user what they wrote and how to fix it. */
function explain(message: string, path: (string | number)[], document: Document): string {
  const node = document.getIn(path, true);
  if (!isScalar(node) || typeof node.value !== 'number' || node.source === undefined) return message;
  const fix = `${message}: write "${node.source}" in quotes`;
  return String(node.value) === node.source ? fix : `${fix} (YAML reads ${node.source} as the number ${node.value})`;
}

function isEmptyDocument(document: Document): boolean {
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.value === null);
}

function isJsonOrYamlText(text: string): boolean {
  try {
    parseYaml(text);
    return true;
  } catch {
    return false;
  }
}
