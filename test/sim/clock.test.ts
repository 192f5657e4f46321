// The simulator's clock at time scales a user may type: `--time-scale 1e9` must slow the story down, not run it all at
// once (Node fires a timer longer than 24.8 days after 1 ms, with a TimeoutOverflowWarning each time).
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/sim/clock.js';

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('SimClock', () => {
  it('converts simulated time to real time by its scale', () => {
    let real = 1_000;
    const clock = new SimClock({ scale: 0.01, realNow: () => real, startAt: 0 });
    real += 1_200;
    expect(clock.now()).toBe(120_000);
    expect(clock.toRealMs(120_000)).toBe(1_200);
  });

  it('at a huge scale, a timer and a sleep wait (as good as forever) instead of firing at once, without warnings', async () => {
    process.on('warning', onWarning);
    const clock = new SimClock({ scale: 1e9 });
    let fired = false;
    const timer = clock.setTimeout(() => (fired = true), 120_000);
    const controller = new AbortController();
    let slept = false;
    const sleeping = clock.sleep(120_000, controller.signal).then(() => (slept = true));
    await tick();
    expect({ fired, slept }).toEqual({ fired: false, slept: false });
    clearTimeout(timer);
    controller.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
  });
});
