#!/usr/bin/env node
// The only place that turns a result into a process exit code; src/ never calls process.exit.

// The AWS SDK warns on every run under Node 20 that its 2027 releases will need Node 22. The pinned SDK works on
// Node 20 (engines >=20.19); the warning would only bury our own output, so it is off unless the user set it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// dist/safe-eksctl.js is the bundle of src/main.ts (`npm run build`); it loads the rest in chunks as needed.
const { main } = await import('../dist/safe-eksctl.js');
process.exitCode = await main(process.argv.slice(2));
