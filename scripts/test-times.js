#!/usr/bin/env node
// Where the test suite's time goes, read from vitest's JSON report: the slowest files and tests, and the split between
// the unit and e2e projects (test/layers.js). For reading, never a gate: wall times on a shared machine are noise.
//
//   npx vitest run --reporter=default --reporter=json --outputFile.json=report.json
//   node scripts/test-times.js report.json [--top N]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { layerOf } from '../test/layers.js';

const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--'));
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
if (file === undefined || !Number.isInteger(top) || top < 1) {
  process.stderr.write('usage: node scripts/test-times.js REPORT.json [--top N]\n');
  process.exitCode = 2;
} else {
  print(JSON.parse(readFileSync(file, 'utf8')));
}

function print(report) {
  const files = report.testResults.map((result) => {
    const name = relative(process.cwd(), result.name);
    return { name, layer: layerOf(name), seconds: (result.endTime - result.startTime) / 1000, tests: result.assertionResults };
  });
  const seconds = (value) => `${value.toFixed(1).padStart(7)} s`;
  const total = files.reduce((sum, entry) => sum + entry.seconds, 0);
  const wall = (Math.max(...report.testResults.map((result) => result.endTime)) - report.startTime) / 1000;

  console.log(`${files.length} files, ${report.numTotalTests} tests: ${total.toFixed(1)} s of file time, ${wall.toFixed(1)} s wall`);
  for (const layer of ['unit', 'e2e']) {
    const mine = files.filter((entry) => entry.layer === layer);
    const time = mine.reduce((sum, entry) => sum + entry.seconds, 0);
    const tests = mine.reduce((sum, entry) => sum + entry.tests.length, 0);
    const share = total > 0 ? Math.round((100 * time) / total) : 0;
    console.log(`  ${layer.padEnd(4)} ${String(mine.length).padStart(4)} files ${String(tests).padStart(5)} tests ${seconds(time)} (${share} %)`);
  }

  console.log(`\nslowest files:`);
  for (const entry of [...files].sort((a, b) => b.seconds - a.seconds).slice(0, top)) {
    console.log(`${seconds(entry.seconds)}  ${entry.layer.padEnd(4)}  ${entry.name} (${entry.tests.length} tests)`);
  }

  console.log(`\nslowest tests:`);
  const tests = files.flatMap((entry) => entry.tests.map((test) => ({ ...test, file: entry.name })));
  for (const test of tests.sort((a, b) => (b.duration ?? 0) - (a.duration ?? 0)).slice(0, top)) {
    console.log(`${seconds((test.duration ?? 0) / 1000)}  ${test.file} > ${test.fullName}`);
  }
}
