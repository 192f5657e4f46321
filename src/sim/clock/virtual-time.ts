// Virtual time: simulated milliseconds that pass only when told to (`advance`) or, with auto-advance, when everything
// in this process waits on the clock (./work.ts). Then the clock jumps to the next timer and fires it, one timer at a
// time, and waits for the work it set off to wait again before it moves on: the order of events is the timers' order,
// whatever the machine's speed. "Waits again" is judged after a few turns of the event loop in which nothing changed,
// so that what is already delivered (an answer in a socket's buffer) is read first.
import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import { currentWork, ioPending, onWorkChange, parkedWhile, requestWork, watchRequests, workBusy, workGeneration, type Work } from './work.js';

export interface VirtualTimeOptions {
  /** Simulated epoch ms at the start. */
  startAt: number;
  /** Move on by itself whenever everything waits on the clock. */
  autoAdvance: boolean;
  /** Turns of the event loop with nothing new before everything counts as waiting. */
  quietTurns: number;
}

/**
 * A timer of the virtual clock, in the shape of Node's Timeout, so code that keeps timers keeps these too; even Node's
 * own clearTimeout cancels it (it empties `_onTimeout`).
 */
class VirtualTimer implements NodeJS.Timeout {
  constructor(
    readonly id: number,
    public due: number,
    readonly delay: number,
    private readonly callback: () => void,
    private readonly time: VirtualTime,
  ) {}
  _onTimeout(): void {
    this.callback();
  }
  hasRef(): boolean {
    return false;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  refresh(): this {
    this.time.reschedule(this);
    return this;
  }
  close(): this {
    this.time.cancel(this);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
  [Symbol.dispose](): void {
    this.close();
  }
}

export class VirtualTime {
  private nowMs: number;
  private readonly timers: VirtualTimer[] = [];
  private nextId = 1;
  private running = false;
  private stopped = false;
  private auto: boolean;
  private readonly quietTurns: number;
  private readonly stopWatchingRequests = watchRequests();
  /** Whoever waits in `settle`, to be let go on `stop`. */
  private readonly settling = new Set<() => void>();

  constructor({ startAt, autoAdvance, quietTurns }: VirtualTimeOptions) {
    this.nowMs = startAt;
    this.auto = autoAdvance;
    this.quietTurns = Math.max(1, quietTurns);
  }

  now(): number {
    return this.nowMs;
  }

  get autoAdvance(): boolean {
    return this.auto;
  }

  set autoAdvance(on: boolean) {
    this.auto = on;
    if (on) this.kick();
  }

  setTimeout(fn: () => void, simMs: number): NodeJS.Timeout {
    const delay = Math.max(0, simMs);
    // A timer's callback runs in the async context it was set in, as Node's own timers do.
    const timer = new VirtualTimer(this.nextId++, this.nowMs + delay, delay, AsyncResource.bind(fn), this);
    this.insert(timer);
    this.kick();
    return timer;
  }

  cancel(timer: VirtualTimer): void {
    const i = this.timers.indexOf(timer);
    if (i !== -1) this.timers.splice(i, 1);
  }

  reschedule(timer: VirtualTimer): void {
    this.cancel(timer);
    timer.due = this.nowMs + timer.delay;
    this.insert(timer);
    this.kick();
  }

  /** Sleeps `simMs`; the work it is called in (or `work`) waits on the clock meanwhile. */
  sleep(simMs: number, signal?: AbortSignal, work: Work | undefined = currentWork()): Promise<void> {
    const sleeping = new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        timer.close();
        reject(signal?.reason);
      };
      const timer = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, simMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return parkedWhile(work, sleeping);
  }

  /** A server in this process holds a request on the clock: the client's request waits on the clock, not on work. */
  sleepInRequest(incoming: IncomingMessage, simMs: number): Promise<void> {
    return this.sleep(simMs, undefined, requestWork(incoming));
  }

  /** Resolves once everything in this process waits on the clock (at once after `stop`). */
  settle(): Promise<void> {
    return new Promise((resolve) => {
      let seen = workGeneration();
      let turns = 0;
      let stopListening = () => {};
      const done = () => {
        stopListening();
        this.settling.delete(done);
        resolve();
      };
      this.settling.add(done);
      const check = () => {
        if (this.stopped) return done();
        if (workBusy()) {
          // What is busy becomes idle only by a change of the work in flight: wait for one, do not poll.
          turns = 0;
          stopListening = onWorkChange(() => {
            stopListening();
            setImmediate(check);
          });
          return;
        }
        if (ioPending()) {
          turns = 0;
          setTimeout(check, 1);
          return;
        }
        if (workGeneration() !== seen) {
          seen = workGeneration();
          turns = 0;
        }
        if (++turns >= this.quietTurns) return done();
        setImmediate(check);
      };
      // Never at once: what the last timer woke runs first (its promise reactions, then its I/O).
      setImmediate(check);
    });
  }

  /** Moves time on by `simMs`, firing the timers due on the way in order, each once everything waits again. */
  async advance(simMs: number): Promise<void> {
    if (this.auto) throw new Error('the virtual clock advances by itself (autoAdvance); turn that off to step it');
    const target = this.nowMs + Math.max(0, simMs);
    for (;;) {
      await this.settle();
      const next = this.timers[0];
      if (this.stopped || !next || next.due > target) break;
      this.fire(next);
    }
    this.nowMs = Math.max(this.nowMs, target);
    await this.settle();
  }

  /** Simulated timers still to fire. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** No timer fires any more; waiters of `settle` are let go. */
  stop(): void {
    this.stopped = true;
    this.timers.length = 0;
    this.stopWatchingRequests();
    for (const done of [...this.settling]) done();
  }

  private insert(timer: VirtualTimer): void {
    // Sorted by due time, then by when they were set: timers due together fire in the order they were set.
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.due > timer.due) i--;
    this.timers.splice(i, 0, timer);
  }

  private fire(timer: VirtualTimer): void {
    this.cancel(timer);
    this.nowMs = Math.max(this.nowMs, timer.due);
    if (typeof timer._onTimeout === 'function') timer._onTimeout();
  }

  /** With auto-advance, runs the timers as long as there are any. */
  private kick(): void {
    if (!this.auto || this.running || this.stopped) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      while (this.auto && !this.stopped) {
        await this.settle();
        const next = this.timers[0];
        if (!next || !this.auto || this.stopped) break;
        this.fire(next);
      }
    } finally {
      this.running = false;
    }
    // A timer set between the last look and the end of the loop.
    if (this.auto && !this.stopped && this.timers.length > 0) this.kick();
  }
}
