// Simulated time. The simulator, its fake eksctl and every fault speak in simulated seconds. Two kinds of clock:
//   - scaled real time (`new SimClock({ scale })`, what `demo` and `sim` run on): the time scale says how many real
//     seconds one simulated second takes (0.01 → two simulated minutes pass in 1.2 real seconds);
//   - virtual time (`SimClock.virtual()`, for tests that run everything in their own process): time stands still until
//     a test steps it (`advance`) or, with auto-advance, until everything in the process waits on the clock, and then
//     jumps to the next timer (./clock/virtual-time.ts). A run then takes as long as its work, not its waits, and
//     happens in the same order on a loaded machine as on an idle one.
import type { IncomingMessage } from 'node:http';
import { LONGEST_TIMER_MS } from '../core/backoff.js';
import { VirtualTime } from './clock/virtual-time.js';
import { trackWork } from './clock/work.js';

export interface SimClockOptions {
  /** Real seconds per simulated second. */
  scale: number;
  /** Real clock, for tests. */
  realNow?: () => number;
  /** Simulated epoch at start (ms); defaults to the real time at start, so timestamps look current. */
  startAt?: number;
}

export interface VirtualClockOptions {
  /** Simulated epoch at start (ms); default VIRTUAL_EPOCH, the same on every run. */
  startAt?: number;
  /** Move on whenever everything in this process waits on the clock (default); off, only `advance` moves it. */
  autoAdvance?: boolean;
  /** Event-loop turns with nothing new before everything counts as waiting (default 3). */
  quietTurns?: number;
}

/** Where virtual time starts unless told otherwise: a fixed instant, so two runs print the same times. */
export const VIRTUAL_EPOCH = Date.UTC(2025, 0, 1);

export class SimClock {
  /** Real seconds per simulated second; 0 on virtual time, where simulated time costs no real time. */
  readonly scale: number;
  private readonly realNow: () => number;
  private readonly realStart: number;
  private readonly simStart: number;
  private readonly virtualTime: VirtualTime | undefined;

  constructor(options: SimClockOptions | { virtual: VirtualClockOptions }) {
    if ('virtual' in options) {
      const { startAt = VIRTUAL_EPOCH, autoAdvance = true, quietTurns = 3 } = options.virtual;
      this.scale = 0;
      this.realNow = Date.now;
      this.realStart = 0;
      this.simStart = startAt;
      this.virtualTime = new VirtualTime({ startAt, autoAdvance, quietTurns });
      return;
    }
    const { scale, realNow = Date.now, startAt } = options;
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive number, got ${scale}`);
    this.scale = scale;
    this.realNow = realNow;
    this.realStart = realNow();
    this.simStart = startAt ?? this.realStart;
    this.virtualTime = undefined;
  }

  /** A clock on virtual time (see the top of this file). `stop()` it when done. */
  static virtual(options: VirtualClockOptions = {}): SimClock {
    return new SimClock({ virtual: options });
  }

  get virtual(): boolean {
    return this.virtualTime !== undefined;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    if (this.virtualTime) return this.virtualTime.now();
    return this.simStart + (this.realNow() - this.realStart) / this.scale;
  }

  date(): Date {
    return new Date(this.now());
  }

  /** Real milliseconds that `simMs` simulated milliseconds take. */
  toRealMs(simMs: number): number {
    return Math.max(0, simMs * this.scale);
  }

  /**
   * The real delay to arm a timer with. Node fires anything longer than about 24.8 days after 1 ms (a `--time-scale
   * 1e9` would run the whole story at once, with a warning per timer); at the cap it is as good as never.
   */
  private timerMs(simMs: number): number {
    return Math.min(LONGEST_TIMER_MS, this.toRealMs(simMs));
  }

  /** Simulated milliseconds that `realMs` real milliseconds stand for (none on virtual time). */
  toSimMs(realMs: number): number {
    return this.virtualTime ? 0 : realMs / this.scale;
  }

  setTimeout(fn: () => void, simMs: number): NodeJS.Timeout {
    if (this.virtualTime) return this.virtualTime.setTimeout(fn, simMs);
    const timer = setTimeout(fn, this.timerMs(simMs));
    // Simulated timers never keep a process alive on their own: the servers do while they listen.
    timer.unref();
    return timer;
  }

  clearTimeout(timer: NodeJS.Timeout): void {
    if (this.virtualTime) timer.close();
    else clearTimeout(timer);
  }

  sleep(simMs: number, signal?: AbortSignal): Promise<void> {
    if (this.virtualTime) return this.virtualTime.sleep(simMs, signal);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, this.timerMs(simMs));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * A server of the simulator holds the request it answers for `simMs` (a slow webhook). On virtual time the client
   * that waits for the answer waits on the clock meanwhile, so time goes on.
   */
  sleepInRequest(incoming: IncomingMessage, simMs: number): Promise<void> {
    return this.virtualTime ? this.virtualTime.sleepInRequest(incoming, simMs) : this.sleep(simMs);
  }

  /**
   * Runs `work` as work the virtual clock waits for: time stands still while it computes, loads modules or sends
   * requests, and goes on while it sleeps on this clock. On scaled time it just runs.
   */
  track<T>(work: () => Promise<T>): Promise<T> {
    return this.virtualTime ? trackWork(work) : work();
  }

  // ── virtual time only ─────────────────────────────────────────────────────────────────────────────────────────

  get autoAdvance(): boolean {
    return this.virtualTime?.autoAdvance ?? false;
  }

  set autoAdvance(on: boolean) {
    this.onVirtualTime('autoAdvance').autoAdvance = on;
  }

  /** Moves virtual time on by `simMs`, firing the timers due on the way, each once everything waits again. */
  advance(simMs: number): Promise<void> {
    return this.onVirtualTime('advance').advance(simMs);
  }

  /** Resolves once everything in this process waits on the virtual clock. */
  settle(): Promise<void> {
    return this.onVirtualTime('settle').settle();
  }

  /** Timers of the virtual clock still to fire. */
  pendingTimers(): number {
    return this.onVirtualTime('pendingTimers').pendingTimers();
  }

  /** Virtual time ends: no timer fires any more. Nothing to do on scaled time. */
  stop(): void {
    this.virtualTime?.stop();
  }

  private onVirtualTime(what: string): VirtualTime {
    if (!this.virtualTime) throw new Error(`${what} is for a clock on virtual time (SimClock.virtual())`);
    return this.virtualTime;
  }
}
