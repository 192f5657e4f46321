// The GitHub Action's step summary (action.yml): the JSON report a command wrote, turned back into the text the
// command prints without `--output json`, as Markdown for the job's page. Not a safe-eksctl command: the action runs
// the bundle, `node dist/action-summary.js REPORT EXIT_CODE COMMAND…`, and appends what it prints to
// $GITHUB_STEP_SUMMARY.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { formatCheck, type CheckReport } from './commands/check.js';
import { formatPlan } from './commands/plan.js';
import type { Plan } from './core/plan.js';
import { EXIT_CODE_MEANINGS } from './errors.js';
import { formatSummary, type RunReport } from './report.js';

export function actionSummary(command: string, exitCode: number, reportText: string): string {
  const meaning = EXIT_CODE_MEANINGS[exitCode] ?? "eksctl's own exit code";
  const heading = `### safe-eksctl ${command}: ${exitCode === 0 ? 'ok' : `exit ${exitCode}`} (${meaning})`;
  const text = reportAsText(reportText);
  if (text === undefined) return `${heading}\n\nNo JSON report: the command stopped before it wrote one (see the step's log).\n`;
  return `${heading}\n\n\`\`\`text\n${text}\`\`\`\n`;
}

/** The report in the words the command prints in text mode; undefined when there is no report to read. */
function reportAsText(reportText: string): string | undefined {
  let report: unknown;
  try {
    report = JSON.parse(reportText);
  } catch {
    return undefined;
  }
  if (typeof report !== 'object' || report === null) return undefined;
  if ('phases' in report) return formatSummary(report as RunReport);
  if ('problems' in report) return formatCheck(report as CheckReport);
  if ('findings' in report) return formatPlan(report as Plan);
  return undefined;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [reportFile = '', exitCode = '', ...command] = process.argv.slice(2);
  let reportText = '';
  try {
    reportText = readFileSync(reportFile, 'utf8');
  } catch {
    // No file is the same as an empty one: the command never got to write its report.
  }
  process.stdout.write(actionSummary(command.join(' '), Number(exitCode), reportText));
}
