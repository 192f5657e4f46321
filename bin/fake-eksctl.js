#!/usr/bin/env node
// A stand-in for eksctl v0.230.0 that talks to whatever EKS and Kubernetes the environment points at (the
// simulator, normally). Like eksctl it installs no signal handler and exits with its own code.
// eksctl is a Go binary: Node's own warnings (the AWS SDK's Node-version notice) have no place on its stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/fake-eksctl.js');

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
process.exit(await main(process.argv.slice(2), io));
