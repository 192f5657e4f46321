// The "eksctl create …" phase: eksctl's own lines under the task, every one of them with --verbose or in CI.
import type { ListrTask } from 'listr2';
import { runEksctl, type Interrupt } from '../adapters/eksctl.js';
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
}

/** Lines eksctl marks as errors, else its last few: what the user needs to see when it fails. */
export function eksctlErrorLines(lastLines: readonly string[]): string[] {
  const errors = lastLines.filter((line) => /\[✖\]|^Error:/.test(line));
  return errors.length > 0 ? errors : lastLines.slice(-5);
}

export function eksctlTask<Ctx>(options: EksctlTaskOptions): ListrTask<Ctx> {
  const { title, binary, args, env, cwd, interrupt, verbose, logFile, input } = options;
  return {
    title,
    task: async (_ctx, task) => {
      const run = await runEksctl(binary, args, {
        env,
        cwd,
        signal: interrupt.signal,
        forceSignal: interrupt.forceSignal,
        onLine: (line) => (task.output = line),
        ...(logFile ? { logFile } : {}),
        ...(input !== undefined ? { input } : {}),
      });
      if (run.interrupted) throw new SafeEksctlError('interrupted: eksctl was stopped', ExitCode.interrupted);
      if (run.exitCode !== 0) {
        const lines = eksctlErrorLines(run.lastLines);
        throw new SafeEksctlError(
          `eksctl failed with exit code ${run.exitCode}${lines.length > 0 ? `:\n  ${lines.join('\n  ')}` : ''}`,
          ExitCode.eksctl,
        );
      }
      task.title = `${title}: done`;
    },
    rendererOptions: { outputBar: verbose ? Infinity : 5, persistentOutput: verbose },
  };
}
