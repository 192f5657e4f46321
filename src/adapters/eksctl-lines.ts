// What happens to each line eksctl prints, whether it was spawned or runs in this process (tests): masked first, then
// kept among the last few (for the failure message), written to --log-file, and handed to the caller.
import { redactor } from '../core/redact.js';
import type { EksctlLogFile } from './log-file.js';

const LAST_LINES = 20;

export interface EksctlLines {
  /** The last lines, masked, oldest first. */
  readonly lastLines: string[];
  /** Takes one printed line; throws what the caller's onLine threw. */
  take(printed: string): void;
}

export function eksctlLines(options: {
  env: NodeJS.ProcessEnv;
  secrets: readonly (string | undefined)[] | undefined;
  log: EksctlLogFile | undefined;
  onLine(line: string): void;
}): EksctlLines {
  const redact = redactor(options.env, options.secrets);
  const lastLines: string[] = [];
  return {
    lastLines,
    take(printed) {
      const line = redact(printed);
      lastLines.push(line);
      if (lastLines.length > LAST_LINES) lastLines.shift();
      options.log?.write(line);
      options.onLine(line);
    },
  };
}
