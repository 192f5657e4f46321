// The bin's entry. A command bound for eksctl is handed over before anything else loads: no commander, no process
// library, no SDK, so `alias eksctl=safe-eksctl` costs about one Node start. Our own commands go through ./cli.ts.
import { ExitCode, reportFailure } from './errors.js';
import { defaultIo, type Io } from './io.js';
import { routeOf, splitEksctlFlag } from './route.js';

/** cli.ts declares the same flags for commander; alone on the line they are answered here (see below). */
const VERSION_FLAGS = new Set(['--version', '-V']);

export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  if (argv.length === 1 && VERSION_FLAGS.has(argv[0]!)) {
    // Loading commander and wiring every command takes longer than Node takes to start; `--version` is what
    // scripts call to see which safe-eksctl they have, and it needs neither.
    const { packageVersion } = await import('./package-files.js');
    io.stdout.write(`${packageVersion()}\n`);
    return ExitCode.ok;
  }
  if (routeOf(argv) === 'own') return (await import('./cli.js')).main(argv, io);
  const { eksctl, rest } = splitEksctlFlag(argv);
  try {
    const { passThrough } = await import('./commands/pass-through.js');
    return await passThrough(rest, { eksctl }, io);
  } catch (error) {
    return reportFailure(error, io.stderr);
  }
}
