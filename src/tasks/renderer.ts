// The renderer is chosen once, here: a live task tree for a person at a terminal, timestamped lines for CI and logs,
// and with --output json the progress moves to stderr so stdout carries the report alone.
import {
  LISTR_DEFAULT_RENDERER_STYLE,
  LISTR_LOGGER_STYLE,
  ListrLogger,
  ProcessOutput,
  PRESET_TIMESTAMP,
  parseTimestamp,
  type LoggerFormat,
} from 'listr2';
import type { Io } from '../io.js';

export type OutputFormat = 'text' | 'json';

export interface RendererChoice {
  renderer: 'default' | 'simple';
  /** Where progress goes. */
  stream: 'stdout' | 'stderr';
  timestamps: boolean;
  color: boolean;
}

/** CI is set to anything but "false" or "0" (aws-cdk's rule: some runners export CI=false to mean "not CI"). */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci.toLowerCase() !== 'false' && ci !== '0';
}

/** NO_COLOR present with any non-empty value (no-color.org). */
export function colorAllowed(env: NodeJS.ProcessEnv): boolean {
  return !env['NO_COLOR'];
}

export function chooseRenderer(output: OutputFormat, io: Pick<Io, 'stdout' | 'stderr' | 'env'>): RendererChoice {
  const stream = output === 'json' ? 'stderr' : 'stdout';
  const interactive = io[stream].isTTY === true && !isCi(io.env) && io.env['TERM'] !== 'dumb';
  return {
    renderer: interactive ? 'default' : 'simple',
    stream,
    timestamps: !interactive,
    color: colorAllowed(io.env),
  };
}

/**
 * Listr options for the choice, to spread into `new Listr(tasks, { ...listrRendererOptions(choice, io) })`. The
 * fallback is the same renderer, so listr2's own TTY guess can never override ours; both write through `io`.
 */
export function listrRendererOptions(choice: RendererChoice, io: Pick<Io, 'stdout' | 'stderr'>) {
  const target = io[choice.stream] as NodeJS.WriteStream;
  // Everything, even listr2's "stdout" writes, goes to the chosen stream: with --output json that is stderr.
  const processOutput = new ProcessOutput(target, target);
  const plain = (levels: Record<string, unknown> | undefined) =>
    Object.fromEntries(Object.keys(levels ?? {}).map((level) => [level, ((text: string) => text) as LoggerFormat]));
  const color = choice.color ? {} : { color: plain(choice.renderer === 'default' ? LISTR_DEFAULT_RENDERER_STYLE.color : LISTR_LOGGER_STYLE.color) };
  const timestamp = choice.color ? PRESET_TIMESTAMP : { condition: true, field: parseTimestamp, format: () => (text: string) => text };
  const rendererOptions = {
    logger: new ListrLogger({ processOutput }),
    ...color,
    ...(choice.timestamps ? { timestamp } : {}),
  };
  return {
    renderer: choice.renderer,
    rendererOptions,
    fallbackRenderer: choice.renderer,
    fallbackRendererOptions: rendererOptions,
    fallbackRendererCondition: false,
    silentRendererCondition: false,
  } as const;
}
