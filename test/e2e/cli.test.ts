import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { NotImplementedError } from '../../src/errors.js';
import { main as entry } from '../../src/main.js';
import { assertBuilt, nodeOnlyPath, ROOT, runBin, removeTempDirs } from '../helpers/bin.js';
import { captureIo } from '../helpers/io.js';

// Stands for any command whose issue is not done yet, whatever the real module says today.
vi.mock('../../src/commands/heal.js', () => ({
  run: async () => {
    throw new NotImplementedError('heal');
  },
}));

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(assertBuilt);
afterAll(removeTempDirs);

/** The command line in this process, as the bin's entry hands it on, with a PATH that holds no eksctl. */
async function run(argv: string[]) {
  const io = captureIo({ env: { PATH: nodeOnlyPath() } });
  const exitCode = await entry(argv, io);
  return { exitCode, stdout: io.out(), stderr: io.err() };
}

// The bin itself, once per exit code it gives for its own words; what it prints is checked in process below.
describe('safe-eksctl (the bin)', () => {
  it('--version prints the package version and exits 0', async () => {
    const result = await runBin(['--version']);
    expect([result.exitCode, result.stdout, result.stderr]).toEqual([0, `${VERSION}\n`, '']);
  });

  it('a missing option value exits 2 with one line on stderr', async () => {
    const result = await runBin(['plan', '-f']);
    expect([result.exitCode, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toBe("safe-eksctl: option '-f, --config-file <file>' argument missing (see safe-eksctl plan --help)\n");
  });
});

describe('safe-eksctl (the command line)', () => {
  it.each([['--version'], ['-V']])('%s prints the package version', async (flag) => {
    const result = await run([flag]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
  });

  it('--help lists our commands and says the rest goes to eksctl', async () => {
    const result = await run(['--help']);
    expect(result.exitCode).toBe(0);
    for (const command of ['create', 'plan', 'check', 'heal', 'demo', 'sim', 'get-token']) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'));
    }
    expect(result.stdout).toContain('passed to eksctl unchanged');
  });

  it.each([
    [['plan'], /--eksctl-version <version>/],
    [['check'], /--cluster <name>/],
    [['heal'], /--cluster <name>/],
    [['demo'], /--time-scale <factor>/],
    [['sim'], /--port <port>/],
    [['get-token'], /--cluster-name <name>/],
  ])('%j --help explains its options', async (words, option) => {
    const result = await run([...words, '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Usage: safe-eksctl ${words.join(' ')}`);
    expect(result.stdout).toMatch(option);
  });

  it.each([
    [['create', 'cluster', '--help'], 'cluster'],
    [['create', 'fargateprofile', '-h'], 'fargateprofile'],
    [['create', '-f', 'c.yaml', '--help'], 'cluster'],
  ])("%j without eksctl: safe-eksctl's own options, and a line saying eksctl's are missing", async (words, command) => {
    const result = await run(words);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^safe-eksctl's own options for create ${command} `));
    expect(result.stdout).toContain('--poll-interval <seconds>');
    expect(result.stdout).not.toMatch(/^ +(-., )?--(verbose|profile|timeout|region|name)\b/m);
    expect(result.stderr).toBe(`safe-eksctl: eksctl not found on PATH; install it or pass --eksctl: eksctl's own options of create ${command} are not listed\n`);
  });

  it('plan -f without a value exits 2 in one line', async () => {
    const result = await run(['plan', '-f']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("safe-eksctl: option '-f, --config-file <file>' argument missing (see safe-eksctl plan --help)\n");
  });

  it('a missing required option exits 2 with one line that points at the command\'s help', async () => {
    const result = await run(['plan']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("safe-eksctl: required option '-f, --config-file <file>' not specified (see safe-eksctl plan --help)\n");
  });

  it('an unknown option exits 2 with one line that points at the command\'s help', async () => {
    const result = await run(['plan', '-f', 'c.yaml', '--bogus-opt']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("safe-eksctl: unknown option '--bogus-opt' (see safe-eksctl plan --help)\n");
    expect(result.stdout).toBe('');
  });

  it('no arguments prints help and exits 2', async () => {
    const result = await run([]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('Usage: safe-eksctl');
  });
});

describe('a command that is not implemented yet', () => {
  it('answers in one line with exit 1, without a stack trace', async () => {
    const io = captureIo();
    const code = await main(['heal', '--cluster', 'demo'], io);
    await new Promise((resolve) => setImmediate(resolve));
    expect(code).toBe(1);
    expect(io.err()).toBe('safe-eksctl: heal: not implemented yet\n');
    expect(io.out()).toBe('');
  });
});
