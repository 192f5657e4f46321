#!/usr/bin/env node
// A stand-in for eksctl that prints FLOOD_EKSCTL_LINES lines in eksctl's log format as fast as its stdout takes them,
// then exits 0. Writes to a pipe block in Node, so it is held back by exactly as much as its reader lags.
const lines = Number(process.env.FLOOD_EKSCTL_LINES ?? 20_000);
let chunk = '';
for (let i = 1; i <= lines; i++) {
  chunk += `2026-11-28 12:38:01 [ℹ]  waiting for CloudFormation stack "eksctl-fargate-demo-cluster" (line ${i})\n`;
  if (chunk.length >= 16_384 || i === lines) {
    process.stdout.write(chunk);
    chunk = '';
  }
}
