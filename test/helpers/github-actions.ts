// A GitHub Actions job run on this machine, as far as our workflow and action.yml need: `run:` steps as the runner
// runs them (`bash --noprofile --norc -eo pipefail FILE`), `uses:` of a local composite action (its steps with its
// inputs, GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY, RUNNER_TEMP, its outputs), and `${{ }}`
// expressions evaluated by GitHub's own expression library. Anything else (another action, `if:` inside an action,
// the multi-line GITHUB_OUTPUT form) throws, so the files cannot quietly outgrow what this checks.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { execa } from 'execa';
import { parse } from 'yaml';
import { commandPath } from './commands.js';

/** By its path: a job's PATH may hold node alone. */
const BASH = commandPath('bash') ?? 'bash';

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}

interface CompositeAction {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

export interface StepResult {
  exitCode: number;
  /** stdout and stderr of every shell the step ran, in order. */
  log: string;
  outputs: Record<string, string>;
  /** What the step appended to $GITHUB_STEP_SUMMARY. */
  summary: string;
}

type Contexts = Record<string, unknown>;

/** `${{ expr }}` in `template`, each replaced by the expression's value as a string, as the runner does. */
export function expand(template: string, contexts: Contexts): string {
  return template.replace(/\$\{\{(.*?)\}\}/g, (_, source: string) => {
    const lexed = new Lexer(source.trim()).lex();
    const expr = new Parser(lexed.tokens, Object.keys(contexts), []).parse();
    const values = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
    return new Evaluator(expr, values).evaluate().coerceString();
  });
}

function expandAll(values: Record<string, string> | undefined, contexts: Contexts): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([key, value]) => [key, expand(String(value), contexts)]));
}

/** `name=value` lines of a GITHUB_OUTPUT file. */
function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    if (line.includes('<<')) throw new Error(`GITHUB_OUTPUT heredoc form is not emulated: ${line}`);
    const at = line.indexOf('=');
    outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  return outputs;
}

export class LocalJob {
  /** Directories steps added through GITHUB_PATH, newest first, as the runner puts them before PATH. */
  private readonly addedPath: string[] = [];
  private readonly scratch = mkdtempSync(join(tmpdir(), 'safe-eksctl-job-'));
  /** The job's RUNNER_TEMP, emptied for every job as the runner does. */
  private readonly runnerTemp = join(this.scratch, 'runner-temp');
  private files = 0;

  constructor(
    private readonly options: {
      workspace: string;
      env: Record<string, string>;
      /** `uses:` values that name a composite action, and the directory holding its action.yml. */
      actions: Record<string, string>;
    },
  ) {
    mkdirSync(this.runnerTemp);
  }

  close(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** One step of the job, with the workflow's `env` context; `if:` is the caller's business. */
  async run(step: Step, workflowEnv: Record<string, string> = {}): Promise<StepResult> {
    const contexts = { env: { ...workflowEnv }, github: { workspace: this.options.workspace } };
    if (step.uses !== undefined) {
      const dir = this.options.actions[step.uses];
      if (dir === undefined) throw new Error(`action ${step.uses} is not emulated`);
      return this.runAction(dir, expandAll(step.with, contexts), { ...workflowEnv, ...expandAll(step.env, contexts) });
    }
    return this.shell(expand(step.run ?? '', contexts), { ...workflowEnv, ...expandAll(step.env, contexts) }, {});
  }

  private async runAction(dir: string, given: Record<string, string>, env: Record<string, string>): Promise<StepResult> {
    const action = parse(readFileSync(join(dir, 'action.yml'), 'utf8')) as CompositeAction;
    if (action.runs.using !== 'composite') throw new Error(`${dir}: only composite actions are emulated`);
    const inputs: Record<string, string> = {};
    for (const [name, spec] of Object.entries(action.inputs ?? {})) {
      const value = given[name] ?? spec.default ?? '';
      if (spec.required && value === '') throw new Error(`${dir}: input ${name} is required`);
      inputs[name] = value;
    }
    const unknown = Object.keys(given).filter((name) => !(name in inputs));
    if (unknown.length > 0) throw new Error(`${dir}: unexpected inputs ${unknown.join(', ')}`);

    const steps: Record<string, { outputs: Record<string, string> }> = {};
    const result: StepResult = { exitCode: 0, log: '', outputs: {}, summary: '' };
    for (const step of action.runs.steps) {
      if (step.if !== undefined || step.uses !== undefined) throw new Error(`${dir}: a step with if: or uses: is not emulated`);
      const contexts = { inputs, env, steps, github: { action_path: dir, workspace: this.options.workspace } };
      const ran = await this.shell(expand(step.run ?? '', contexts), { ...env, ...expandAll(step.env, contexts) }, { GITHUB_ACTION_PATH: dir });
      if (step.id !== undefined) steps[step.id] = { outputs: ran.outputs };
      result.log += ran.log;
      result.summary += ran.summary;
      result.exitCode = ran.exitCode;
      if (ran.exitCode !== 0) break;
    }
    result.outputs = expandAll(
      Object.fromEntries(Object.entries(action.outputs ?? {}).map(([name, output]) => [name, output.value])),
      { steps },
    );
    return result;
  }

  private async shell(script: string, env: Record<string, string>, extra: Record<string, string>): Promise<StepResult> {
    const n = ++this.files;
    const file = (name: string) => join(this.scratch, `${n}-${name}`);
    writeFileSync(file('script.sh'), script);
    for (const name of ['output', 'path', 'summary']) writeFileSync(file(name), '');
    const base = this.options.env;
    const ran = await execa(BASH, ['--noprofile', '--norc', '-eo', 'pipefail', file('script.sh')], {
      cwd: this.options.workspace,
      reject: false,
      all: true,
      extendEnv: false,
      timeout: 120_000,
      env: {
        ...base,
        ...env,
        ...extra,
        PATH: [...this.addedPath, base['PATH'] ?? ''].join(delimiter),
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: this.options.workspace,
        GITHUB_OUTPUT: file('output'),
        GITHUB_PATH: file('path'),
        GITHUB_STEP_SUMMARY: file('summary'),
        RUNNER_TEMP: this.runnerTemp,
      },
    });
    const added = readFileSync(file('path'), 'utf8').split('\n').filter((line) => line !== '');
    this.addedPath.unshift(...added.reverse());
    return { exitCode: ran.exitCode ?? 1, log: ran.all ?? '', outputs: readOutputs(file('output')), summary: readFileSync(file('summary'), 'utf8') };
  }
}
