// withEnv (test/helpers/sim.ts), which runCli uses for what the SDK reads from process.env: in-process runs that
// overlap (describe.concurrent) must leave the environment as they found it, since later files share the process.
import { describe, expect, it } from 'vitest';
import { withEnv } from './helpers/sim.js';

const KEY = 'SAFE_EKSCTL_WITH_ENV_TEST';

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('withEnv', () => {
  it('restores what was there, or the absence, after one run', async () => {
    delete process.env[KEY];
    await withEnv({ [KEY]: 'a' }, async () => expect(process.env[KEY]).toBe('a'));
    expect(KEY in process.env).toBe(false);
    process.env[KEY] = 'before';
    await withEnv({ [KEY]: undefined }, async () => expect(KEY in process.env).toBe(false));
    expect(process.env[KEY]).toBe('before');
    delete process.env[KEY];
  });

  it.each(['first', 'second'])('restores it when overlapping runs end in either order (the %s to start ends first)', async (endsFirst) => {
    process.env[KEY] = 'before';
    const first = gate();
    const second = gate();
    const a = withEnv({ [KEY]: 'a' }, () => first.opened);
    const b = withEnv({ [KEY]: 'b' }, () => second.opened);
    // The one that started last sets the value while both run.
    expect(process.env[KEY]).toBe('b');
    if (endsFirst === 'first') first.open();
    else second.open();
    await (endsFirst === 'first' ? a : b);
    expect(process.env[KEY]).not.toBe('before');
    (endsFirst === 'first' ? second : first).open();
    await Promise.all([a, b]);
    expect(process.env[KEY]).toBe('before');
    delete process.env[KEY];
  });
});
