import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EksctlScreen, FLUSH_INTERVAL_MS } from '../../src/tasks/eksctl-screen.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function screen(mode: 'tail' | 'every line', tailLines = 5) {
  const shown: string[] = [];
  return { shown, screen: new EksctlScreen({ mode, tailLines, show: (text) => shown.push(text) }) };
}

const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `2026-11-28 12:38:01 [ℹ]  line ${from + i}`);

describe('EksctlScreen', () => {
  it('a live tree gets the last few lines, at most once per interval however fast eksctl prints', () => {
    const { shown, screen: s } = screen('tail', 5);
    for (const line of lines(10_000)) s.push(line);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(shown).toEqual([lines(5, 9_996).map((l) => l.slice('2026-11-28 '.length)).join('\n')]);
    // Nothing new, nothing redrawn.
    vi.advanceTimersByTime(10 * FLUSH_INTERVAL_MS);
    expect(shown).toHaveLength(1);
  });

  it('a line renderer gets every line once, in order, a batch per interval; flush hands over the rest at once', () => {
    const { shown, screen: s } = screen('every line');
    for (const line of lines(3)) s.push(line);
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS - 1);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    for (const line of lines(2, 4)) s.push(line);
    s.flush();
    expect(shown.join('\n').split('\n')).toEqual(lines(5).map((l) => l.slice('2026-11-28 '.length)));
    expect(shown).toHaveLength(2);
  });

  it('escape sequences never reach the renderer; other control characters are shown as text', () => {
    const { shown, screen: s } = screen('every line');
    s.push('a\x1b[2Jb\x1b]0;owned\x07c\x9b31md\tbell\x07 cr\r!');
    s.flush();
    expect(shown).toEqual(['abcd\tbell\\x07 cr\\x0d!']);
  });
});
