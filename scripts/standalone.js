// The standalone executable's entry. scripts/build-binary.js bundles it, with everything it imports, into the one
// CommonJS script that Node's single executable applications run. Like bin/ it is the edge where a result becomes
// the process's exit code. Started through a link named fake-eksctl (`demo` and `sim` make one), the executable is
// the simulated eksctl instead: with no Node on the machine, nothing could run bin/fake-eksctl.js.
import { basename } from 'node:path';
import { FAKE_EKSCTL_LINK } from '../src/package-files.js';

// As in bin/: the AWS SDK's Node 20 notice would only bury our output (and eksctl, a Go binary, prints no such thing).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const argv = process.argv.slice(2);

if (basename(process.argv0) === FAKE_EKSCTL_LINK) {
  // As bin/fake-eksctl.js: eksctl exits the moment it is done.
  void import('../src/sim/fake-eksctl/main.js').then(async ({ main }) => {
    const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
    process.exit(await main(argv, io));
  });
} else {
  void import('../src/main.js').then(async ({ main }) => {
    process.exitCode = await main(argv);
  });
}
