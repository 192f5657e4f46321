// The "eksctl create …" phase: eksctl's own lines under the task, every one of them with --verbose or in CI (and
// verbatim in --log-file).
import type { ListrTask } from 'listr2';
import { runEksctl, type EksctlRun, type Interrupt } from '../adapters/eksctl.js';
import { ExitCode, SafeEksctlError } from '../errors.js';

export interface EksctlTaskOptions {
  title: string;
  binary: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  interrupt: Interrupt;
  verbose: boolean;
  logFile?: string;
  /** The config text for `-f -`. */
  input?: string;
  /** Secrets to mask in eksctl's lines besides those in `env` (credentials the preflight resolved). */
  secrets?: () => Promise<readonly (string | undefined)[]>;
  /**
   * Runs beside eksctl until eksctl ends (then `signal` aborts). When it rejects first, eksctl is stopped (SIGINT, then
   * SIGKILL) and the phase fails with that error: a failure eksctl itself would only notice at its --timeout.
   * `note` puts one line of its own beside the task's title (the last note wins), where eksctl's lines do not push it away.
   */
  watch?: (signal: AbortSignal, note: (line: string) => void) => Promise<unknown>;
}

/** eksctl's line without its date (`2006-01-02 15:04:05 [ℹ]  …` → `15:04:05 [ℹ]  …`): the time is enough on screen. */
export function eksctlDisplayLine(line: string): string {
  return line.replace(/^\d{4}-\d{2}-\d{2} (?=\d{2}:\d{2}:\d{2} )/, '');
}

/** Lines eksctl marks as errors, else its last few: what the user needs to see when it fails. */
export function eksctlErrorLines(lastLines: readonly string[]): string[] {
  const errors = lastLines.filter((line) => /\[✖\]|^Error:/.test(line));
  return errors.length > 0 ? errors : lastLines.slice(-5);
}

export function eksctlTask<Ctx>(options: EksctlTaskOptions): ListrTask<Ctx> {
  const { title, binary, args, env, cwd, interrupt, verbose, logFile, input, watch, secrets } = options;
  return {
    title,
    task: async (_ctx, task) => {
      const eksctlEnded = new AbortController();
      const stopEksctl = new AbortController();
      let watchFailure: { error: unknown } | undefined;
      let noted: string | undefined;
      const note = (line: string) => {
        noted = line;
        task.title = `${title} — ${line}`;
      };
      const watching = watch?.(AbortSignal.any([eksctlEnded.signal, interrupt.signal]), note).catch((error: unknown) => {
        if (eksctlEnded.signal.aborted || interrupt.signal.aborted) return;
        watchFailure = { error };
        task.output = `stopping eksctl: ${error instanceof Error ? error.message : String(error)}`;
        stopEksctl.abort(error);
      });
      let run: EksctlRun;
      try {
        const masked = (await secrets?.().catch(() => [])) ?? [];
        run = await runEksctl(binary, args, {
          secrets: masked,
          env,
          cwd,
          signal: AbortSignal.any([interrupt.signal, stopEksctl.signal]),
          forceSignal: interrupt.forceSignal,
          onLine: (line) => (task.output = eksctlDisplayLine(line)),
          ...(logFile ? { logFile } : {}),
          ...(input !== undefined ? { input } : {}),
        });
      } finally {
        eksctlEnded.abort();
        await watching;
      }
      if (run.interrupted && interrupt.signal.aborted) throw new SafeEksctlError('interrupted: eksctl was stopped', ExitCode.interrupted);
      if (watchFailure) {
        const { error } = watchFailure;
        if (!(error instanceof SafeEksctlError)) throw error;
        throw new SafeEksctlError(`${error.message}\n  eksctl was stopped: it would have waited for this until its --timeout`, error.exitCode, { cause: error });
      }
      if (run.exitCode !== 0) {
        const lines = eksctlErrorLines(run.lastLines);
        throw new SafeEksctlError(
          `eksctl failed with exit code ${run.exitCode}${lines.length > 0 ? `:\n  ${lines.join('\n  ')}` : ''}`,
          ExitCode.eksctl,
        );
      }
      task.title = `${title}: done${noted ? `; ${noted}` : ''}`;
    },
    rendererOptions: { outputBar: verbose ? Infinity : 5, persistentOutput: verbose },
  };
}
