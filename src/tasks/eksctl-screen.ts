// What of eksctl's output reaches the screen, and when. eksctl may print thousands of lines a second, and listr2's
// live tree redraws itself whole on every change of a task's output: fed line by line it took in about 80 lines a
// second, at full CPU, while eksctl waited on its pipe. So the lines are collected as they come and handed to the
// renderer at most every FLUSH_INTERVAL_MS: a live tree gets the last few lines, a line renderer (CI, a pipe) every
// line, in order, a batch at a time. --log-file has every line anyway (adapters/log-file.ts).
import { terminalSafe } from '../core/terminal-text.js';

export const FLUSH_INTERVAL_MS = 100;
/** eksctl's lines under its task on a live tree; with --verbose a longer tail, still bounded to fit a terminal. */
export const TAIL_LINES = 5;
export const VERBOSE_TAIL_LINES = 20;

export interface EksctlScreenOptions {
  /** 'tail': a live tree redraws the last `tailLines` lines; 'every line': a line renderer prints each batch once. */
  mode: 'tail' | 'every line';
  tailLines: number;
  /** Receives the text to show (the task's output). */
  show(text: string): void;
  intervalMs?: number;
}

/** eksctl's line without its date (`2006-01-02 15:04:05 [ℹ]  …` → `15:04:05 [ℹ]  …`): the time is enough on screen. */
export function eksctlDisplayLine(line: string): string {
  return line.replace(/^\d{4}-\d{2}-\d{2} (?=\d{2}:\d{2}:\d{2} )/, '');
}

export class EksctlScreen {
  private readonly tail: string[] = [];
  private pending: string[] = [];
  private changed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EksctlScreenOptions) {}

  /** One line of eksctl's (or of ours about it), made safe for a terminal; shown at the next flush. */
  push(line: string): void {
    const shown = terminalSafe(eksctlDisplayLine(line));
    if (this.options.mode === 'tail') {
      this.tail.push(shown);
      if (this.tail.length > this.options.tailLines) this.tail.shift();
    } else {
      this.pending.push(shown);
    }
    this.changed = true;
    this.timer ??= setTimeout(() => this.flush(), this.options.intervalMs ?? FLUSH_INTERVAL_MS);
  }

  /** Hands what changed since the last flush to the renderer. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.changed) return;
    this.changed = false;
    if (this.options.mode === 'tail') {
      this.options.show(this.tail.join('\n'));
      return;
    }
    const batch = this.pending;
    this.pending = [];
    this.options.show(batch.join('\n'));
  }
}
