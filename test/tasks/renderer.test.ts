import { Listr } from 'listr2';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chooseRenderer, isCi, listrRendererOptions } from '../../src/tasks/renderer.js';

function capture(isTTY = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; text(): string };
  if (isTTY) stream.isTTY = true;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
}

describe('isCi', () => {
  it.each([
    [{}, false],
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'false' }, false],
    [{ CI: 'FALSE' }, false],
    [{ CI: '0' }, false],
  ])('%j → %s', (env, expected) => {
    expect(isCi(env)).toBe(expected);
  });
});

describe('chooseRenderer', () => {
  it('a terminal outside CI gets the default renderer', () => {
    expect(chooseRenderer('text', { stdout: capture(true), stderr: capture(true), env: {} })).toEqual({
      renderer: 'default',
      stream: 'stdout',
      timestamps: false,
      color: true,
    });
  });

  it('CI, or no terminal, gets the simple renderer with timestamps; CI=false does not count', () => {
    expect(chooseRenderer('text', { stdout: capture(true), stderr: capture(true), env: { CI: 'true' } })).toMatchObject({ renderer: 'simple', timestamps: true });
    expect(chooseRenderer('text', { stdout: capture(false), stderr: capture(true), env: {} })).toMatchObject({ renderer: 'simple', timestamps: true });
    expect(chooseRenderer('text', { stdout: capture(true), stderr: capture(true), env: { CI: 'false' } })).toMatchObject({ renderer: 'default' });
  });

  it('--output json puts progress on stderr, judged by stderr', () => {
    expect(chooseRenderer('json', { stdout: capture(false), stderr: capture(true), env: {} })).toMatchObject({ renderer: 'default', stream: 'stderr' });
    expect(chooseRenderer('json', { stdout: capture(true), stderr: capture(false), env: {} })).toMatchObject({ renderer: 'simple', stream: 'stderr' });
  });

  it('NO_COLOR turns colour off', () => {
    expect(chooseRenderer('text', { stdout: capture(true), stderr: capture(true), env: { NO_COLOR: '1' } }).color).toBe(false);
  });
});

describe('listrRendererOptions', () => {
  const tasks = () => [
    { title: 'Wait for Fargate profiles', task: async () => {} },
    { title: 'Heal CoreDNS', task: async () => {} },
  ];

  it('text mode without a terminal: timestamped lines on stdout, nothing on stderr', async () => {
    const io = { stdout: capture(), stderr: capture(), env: { NO_COLOR: '1' } };
    await new Listr(tasks(), listrRendererOptions(chooseRenderer('text', io), io)).run();
    const out = io.stdout.text();
    expect(out).toMatch(/^\S+ \[\d{2}:\d{2}:\d{2}\] Wait for Fargate profiles$/m);
    expect(out).toContain('Heal CoreDNS');
    expect(out).not.toMatch(/\u001b\[/);
    expect(io.stderr.text()).toBe('');
  });

  it('without colour every level style is plain text', () => {
    const io = { stdout: capture(), stderr: capture() };
    for (const renderer of ['default', 'simple'] as const) {
      const options = listrRendererOptions({ renderer, stream: 'stdout', timestamps: true, color: false }, io);
      const styles = Object.values((options.rendererOptions as { color?: Record<string, (s: string) => string> }).color ?? {});
      expect(styles.length).toBeGreaterThan(0);
      for (const style of styles) expect(style('x')).toBe('x');
    }
  });

  it('json mode: stdout stays empty, progress goes to stderr', async () => {
    const io = { stdout: capture(), stderr: capture(), env: {} };
    await new Listr(tasks(), listrRendererOptions(chooseRenderer('json', io), io)).run();
    expect(io.stdout.text()).toBe('');
    expect(io.stderr.text()).toContain('Heal CoreDNS');
  });
});
