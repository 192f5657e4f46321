// Simulated time. The simulator, its fake eksctl and every fault speak in simulated seconds; the time scale says how
// many real seconds one simulated second takes (0.01 → two simulated minutes pass in 1.2 real seconds).
import { LONGEST_TIMER_MS } from '../core/backoff.js';

export interface SimClockOptions {
  /** Real seconds per simulated second. */
  scale: number;
  /** Real clock, for tests. */
  realNow?: () => number;
  /** Simulated epoch at start (ms); defaults to the real time at start, so timestamps look current. */
  startAt?: number;
}

export class SimClock {
  readonly scale: number;
  private readonly realNow: () => number;
  private readonly realStart: number;
  private readonly simStart: number;

  constructor({ scale, realNow = Date.now, startAt }: SimClockOptions) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive number, got ${scale}`);
    this.scale = scale;
    this.realNow = realNow;
    this.realStart = realNow();
    this.simStart = startAt ?? this.realStart;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
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

  /** Simulated milliseconds that `realMs` real milliseconds stand for. */
  toSimMs(realMs: number): number {
    return realMs / this.scale;
  }

  setTimeout(fn: () => void, simMs: number): NodeJS.Timeout {
    const timer = setTimeout(fn, this.timerMs(simMs));
    // Simulated timers never keep a process alive on their own: the servers do while they listen.
    timer.unref();
    return timer;
  }

  sleep(simMs: number, signal?: AbortSignal): Promise<void> {
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
}
