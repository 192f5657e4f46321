// Runs a list of phases as one listr2 list and turns the outcome into the summary (or JSON report) and an exit code.
// create, create fargateprofile and heal all end here, so they report alike.
import { Listr, type ListrTask } from 'listr2';
import type { Clock } from '../core/backoff.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import type { Io } from '../io.js';
import { formatJsonReport, formatSummary, RunRecorder, type PhaseStatus } from '../report.js';
import type { ClusterSession } from '../session.js';
import { chooseRenderer, listrRendererOptions, type OutputFormat } from './renderer.js';

export interface PipelineSettings {
  io: Io;
  output: OutputFormat;
  verbose: boolean;
  clock: Clock;
  /** Aborted on the first Ctrl-C: the run then ends with exit 130 whatever failed on the way out. */
  interruptSignal: AbortSignal;
  /** One more line under the text summary (the demo says its times are simulated). */
  summaryNote?: string;
  /** Runs once the list failed (or was interrupted), before the report is written: it may add to the recorder. */
  afterFailure?: () => Promise<void>;
}

/**
 * Phases run one after the other, so a phase lasts from its start to the start of the next (or the end of the run).
 * That also covers phases whose work is a sub-list listr2 runs after the task function has returned.
 */
export class PhaseTimeline {
  private open: { name: string; start: number } | undefined;

  constructor(
    private readonly recorder: RunRecorder,
    private readonly clock: Clock,
  ) {}

  begin(name: string): void {
    this.close('ok');
    this.open = { name, start: this.clock.now() };
  }

  skip(name: string, why: string): void {
    this.close('ok');
    this.recorder.skipPhase(name, why);
  }

  close(status: PhaseStatus, detail?: string): void {
    if (!this.open) return;
    const { name, start } = this.open;
    this.recorder.phases.push({ name, status, durationMs: this.clock.now() - start, ...(detail ? { detail } : {}) });
    this.open = undefined;
  }
}

/** A task whose start and skip are written on the timeline under its phase name. */
export function phase<Ctx>(timeline: PhaseTimeline, name: string, task: ListrTask<Ctx>): ListrTask<Ctx> {
  const skip = task.skip;
  return {
    ...task,
    skip: async (ctx: Ctx) => {
      const reason = typeof skip === 'function' ? await skip(ctx) : skip;
      if (reason) timeline.skip(name, typeof reason === 'string' ? reason : 'skipped');
      return reason ?? false;
    },
    task: (ctx, wrapper) => {
      timeline.begin(name);
      return task.task(ctx, wrapper);
    },
  };
}

export async function runPipeline<Ctx extends object>(
  tasks: (timeline: PhaseTimeline) => ListrTask<Ctx, any, any>[],
  recorder: RunRecorder,
  ctx: Ctx,
  settings: PipelineSettings,
): Promise<number> {
  const { io, output, clock, interruptSignal } = settings;
  const timeline = new PhaseTimeline(recorder, clock);
  const choice = chooseRenderer(output, io);
  const renderer = listrRendererOptions(choice, io);
  const list = new Listr<Ctx, 'default' | 'simple', 'default' | 'simple'>(tasks(timeline), {
    ...renderer,
    // Finished subtasks stay on screen: each profile's line says how long it took and how many polls.
    rendererOptions: { ...renderer.rendererOptions, collapseSubtasks: false },
    ctx,
    exitOnError: true,
    // Ctrl-C is ours to handle (eksctl must be stopped and waited for); listr2's own handler would exit at once.
    registerSignalListeners: false,
  });
  let exitCode: number = ExitCode.ok;
  let failure: unknown;
  try {
    await list.run();
    timeline.close('ok');
  } catch (error) {
    failure = interruptSignal.aborted ? new SafeEksctlError('interrupted', ExitCode.interrupted) : error;
    exitCode = exitCodeOf(failure);
    timeline.close('failed', messageOf(failure));
    await settings.afterFailure?.();
  }
  const report = recorder.report(exitCode, failure);
  if (output === 'json') {
    io.stdout.write(formatJsonReport(report));
    if (failure !== undefined) io.stderr.write(`safe-eksctl: ${messageOf(failure)}\n`);
  } else {
    io.stdout.write(`\n${formatSummary(report)}${settings.summaryNote ? `${settings.summaryNote}\n` : ''}`);
  }
  return exitCode;
}

function exitCodeOf(error: unknown): number {
  return error instanceof SafeEksctlError ? error.exitCode : ExitCode.unhealthy;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A run on a cluster: its phases as one list, with the session's output, clock, recorder and Ctrl-C. */
export function runClusterPipeline<Run extends object>(
  session: ClusterSession,
  run: Run,
  tasks: (timeline: PhaseTimeline) => ListrTask<Run, any, any>[],
  settings: Pick<PipelineSettings, 'output' | 'verbose' | 'summaryNote' | 'afterFailure'>,
): Promise<number> {
  const { io, clock, recorder, interrupt } = session;
  return session.stopOnSignals(() => runPipeline(tasks, recorder, run, { ...settings, io, clock, interruptSignal: interrupt.signal }));
}
