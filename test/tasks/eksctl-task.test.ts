import { Listr } from 'listr2';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createInterrupt } from '../../src/adapters/eksctl.js';
import { ExitCode, SafeEksctlError } from '../../src/errors.js';
import { eksctlDisplayLine, eksctlTask } from '../../src/tasks/eksctl.js';
import { nodeOnlyPath, RECORDING_EKSCTL, recorded, recordingDir, removeTempDirs } from '../helpers/bin.js';
import { quietLogger } from './listr-helpers.js';

afterAll(removeTempDirs);

/**
 * The eksctl phase alone, with the recording eksctl waiting for a signal. `output` is the phase's --log-file: eksctl's
 * lines as they came, where the stand-in's "ready" says its signal handlers are in place.
 */
async function runPhase(
  watch: (signal: AbortSignal, log: string, note: (line: string) => void, output: string) => Promise<unknown>,
  extraEnv: Record<string, string> = {},
) {
  const { dir, log } = recordingDir();
  const output = join(dir, 'eksctl-output.log');
  const task = eksctlTask<object>({
    title: 'eksctl create cluster',
    binary: RECORDING_EKSCTL,
    args: ['create', 'cluster', '-f', 'cluster.yaml'],
    env: { PATH: nodeOnlyPath(), RECORDING_EKSCTL_LOG: log, RECORDING_EKSCTL_WAIT: '1', ...extraEnv },
    cwd: dir,
    interrupt: createInterrupt(),
    verbose: false,
    logFile: output,
    watch: (signal, note) => watch(signal, log, note, output),
  });
  const list = new Listr([task], { renderer: 'test', rendererOptions: { logger: quietLogger() }, exitOnError: true });
  const error = await list.run().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, events: recorded(log), title: list.tasks[0]?.title };
}

function ready(output: string): boolean {
  return existsSync(output) && readFileSync(output, 'utf8').split('\n').includes('ready');
}

describe('eksctlTask with a watch', () => {
  it('a watch that fails stops eksctl with SIGINT and fails the phase with its error and exit code', async () => {
    let watchSignal: AbortSignal | undefined;
    const { error, events } = await runPhase(async (signal, _log, _note, output) => {
      watchSignal = signal;
      // Fail only once eksctl would record the SIGINT: it prints "ready" after installing its signal handlers.
      while (!ready(output)) {
        // An eksctl that ends without "ready" ends the wait too, and the test fails on what follows.
        signal.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new SafeEksctlError('Fargate profile "fp" is CREATE_FAILED: PodExecutionRoleAlreadyInUse: in use', ExitCode.fargateProfile);
    });
    expect(error).toBeInstanceOf(SafeEksctlError);
    expect((error as SafeEksctlError).exitCode).toBe(ExitCode.fargateProfile);
    expect((error as Error).message).toBe(
      'Fargate profile "fp" is CREATE_FAILED: PodExecutionRoleAlreadyInUse: in use\n  eksctl was stopped: it would have waited for this until its --timeout',
    );
    expect(events.map((e) => e.signal).filter(Boolean)).toEqual(['SIGINT']);
    expect(watchSignal?.aborted).toBe(true);
  });

  it('when eksctl ends first, the watch is aborted and the phase succeeds', async () => {
    let watchSignal: AbortSignal | undefined;
    const { error, events } = await runPhase(
      (signal) => {
        watchSignal = signal;
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      },
      { RECORDING_EKSCTL_WAIT: '0', RECORDING_EKSCTL_EXIT: '0' },
    );
    expect(error).toBeUndefined();
    expect(watchSignal?.aborted).toBe(true);
    expect(events.filter((e) => e.signal)).toEqual([]);
  });
});

describe('eksctlTask: the watch\'s note', () => {
  it('stays beside the title to the end, the last note winning, also when noted as eksctl ends', async () => {
    const { error, title } = await runPhase(
      async (signal, _log, note) => {
        note('CoreDNS stuck on default-scheduler (2 pods); restarted once while eksctl runs: waiting for Fargate pods');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        note('CoreDNS stuck on default-scheduler (2 pods); restarted once while eksctl ran');
      },
      { RECORDING_EKSCTL_WAIT: '0', RECORDING_EKSCTL_EXIT: '0' },
    );
    expect(error).toBeUndefined();
    expect(title).toBe('eksctl create cluster: done; CoreDNS stuck on default-scheduler (2 pods); restarted once while eksctl ran');
  });
});

describe('eksctlDisplayLine', () => {
  it("drops eksctl's date and keeps its time; other lines are left alone", () => {
    expect(eksctlDisplayLine('2026-11-28 12:38:01 [✔]  EKS cluster "x" in "r" region is ready')).toBe('12:38:01 [✔]  EKS cluster "x" in "r" region is ready');
    expect(eksctlDisplayLine('2 sequential tasks: { create cluster control plane "x", ')).toBe('2 sequential tasks: { create cluster control plane "x", ');
    expect(eksctlDisplayLine('Error: cannot use --region when --config-file/-f is set')).toBe('Error: cannot use --region when --config-file/-f is set');
  });
});
