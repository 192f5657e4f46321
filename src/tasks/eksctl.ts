// The "eksctl create …" phase: eksctl's own lines under the task (the last few on a live tree, every one in CI or a
// pipe; see eksctl-screen.ts), and verbatim in --log-file.
import type { ListrTask } from 'listr2';
import { runEksctl, type EksctlRun, type EksctlRunner, type Interrupt } from '../adapters/eksctl.js';
import { terminalSafe } from '../core/terminal-text.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { EksctlScreen, TAIL_LINES, VERBOSE_TAIL_LINES } from './eksctl-screen.js';

export { eksctlDisplayLine } from './eksctl-screen.js';

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
  /** A warning for the report (a --log-file that could not be written); it is also shown once under the task. */
  onWarning?: (message: string) => void;
  /** eksctl in this process instead of a spawned `binary` (tests: the simulated eksctl on their clock). */
  runner?: EksctlRunner | undefined;
}

/** Lines eksctl marks as errors, else its last few: what the user needs to see when it fails. */
export function eksctlErrorLines(lastLines: readonly string[]): string[] {
  const errors = lastLines.filter((line) => /\[✖\]|^Error:/.test(line));
  return errors.length > 0 ? errors : lastLines.slice(-5);
}

export function eksctlTask<Ctx>(options: EksctlTaskOptions): ListrTask<Ctx> {
  const { title, binary, args, env, cwd, interrupt, verbose, logFile, input, watch, secrets, onWarning, runner } = options;
  return {
    title,
    task: async (_ctx, task) => {
      // listr2's own flag: its live tree is the one renderer that is not for a plain stream of lines.
      const liveTree = !task.task.listr.rendererClass.nonTTY;
      const screen = new EksctlScreen({
        mode: liveTree ? 'tail' : 'every line',
        tailLines: verbose ? VERBOSE_TAIL_LINES : TAIL_LINES,
        show: (text) => (task.output = text),
      });
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
        for (const line of `stopping eksctl: ${error instanceof Error ? error.message : String(error)}`.split('\n')) screen.push(line);
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
          onLine: (line) => screen.push(line),
          onLogFileError: (warning) => {
            screen.push(`warning: ${warning}; eksctl goes on, the file misses its lines from here`);
            onWarning?.(warning);
          },
          ...(logFile ? { logFile } : {}),
          ...(input !== undefined ? { input } : {}),
          runner,
        });
      } finally {
        screen.flush();
        eksctlEnded.abort();
        await watching;
        screen.flush();
      }
      if (run.interrupted && interrupt.signal.aborted) throw new SafeEksctlError('interrupted: eksctl was stopped', ExitCode.interrupted);
      if (watchFailure) {
        const { error } = watchFailure;
        if (!(error instanceof SafeEksctlError)) throw error;
        throw new SafeEksctlError(`${error.message}\n  eksctl was stopped: it would have waited for this until its --timeout`, error.exitCode, { cause: error });
      }
      if (run.exitCode !== 0) {
        // These go to stderr and the report as they are: no escape sequence of eksctl's may ride along.
        const lines = eksctlErrorLines(run.lastLines).map(terminalSafe);
        throw new SafeEksctlError(
          `eksctl failed with exit code ${run.exitCode}${lines.length > 0 ? `:\n  ${lines.join('\n  ')}` : ''}`,
          ExitCode.eksctl,
        );
      }
      task.title = `${title}: done${noted ? `; ${noted}` : ''}`;
    },
    // The screen hands over the whole tail each time: one output entry is all of it.
    rendererOptions: { outputBar: 1, persistentOutput: verbose },
  };
}
