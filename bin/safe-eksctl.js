#!/usr/bin/env node
// The only place that turns a result into a process exit code; src/ never calls process.exit.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
