// `npm run bench`: safe-eksctl against eksctl alone, side by side, in the simulator at a fixed time scale.
//   node bench/run.js [--json] [--time-scale 0.02] [--runs 9]
// Prints a table (or, with --json, one JSON object) and keeps the latest figures in bench/results.json.
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

// The AWS SDK's Node-version notice would land in the middle of the table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { runScenario } = await import('./scenarios.js');
const { measureProfileWait } = await import('./frugality.js');
const { measureInstructions, measureStartup } = await import('./startup.js');
const { measureDemoMemory } = await import('./memory.js');
const { measureSimulator } = await import('./simulator.js');
const { measureBinary } = await import('./binary.js');
const { measureEksctlLines } = await import('./eksctl-lines.js');

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    'time-scale': { type: 'string', default: '0.02' },
    runs: { type: 'string', default: '9' },
  },
});
const timeScale = Number(values['time-scale']);
const runs = Number(values.runs);
const progress = (/** @type {string} */ line) => process.stderr.write(`bench: ${line}\n`);

/** The cases of the CoreDNS race: one eksctl handles itself, the others it misses (eks-facts.md). */
const CASES = [
  { config: 'no-labels.yaml', eksctlVersion: '0.230.0', what: 'kube-system, no labels (eksctl ≥0.208 heals it)' },
  { config: 'bug-report.yaml', eksctlVersion: '0.207.0', what: 'component label, eksctl 0.207 (issue #8355)' },
  { config: 'kube-dns-label.yaml', eksctlVersion: '0.230.0', what: 'k8s-app: kube-dns label (AWS docs)' },
  { config: 'wildcard-namespace.yaml', eksctlVersion: '0.230.0', what: 'wildcard namespace kube-*' },
];

const started = performance.now();
const loadAverageAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
const cases = [];
for (const c of CASES) {
  progress(`${c.config} with eksctl ${c.eksctlVersion}: eksctl alone, then safe-eksctl`);
  const eksctl = await runScenario({ tool: 'eksctl', config: c.config, eksctlVersion: c.eksctlVersion, timeScale });
  const safe = await runScenario({ tool: 'safe-eksctl', config: c.config, eksctlVersion: c.eksctlVersion, timeScale });
  cases.push({ ...c, eksctl, safeEksctl: safe });
}
const frugality = [];
for (const profiles of [1, 3, 10]) {
  progress(`profile wait with ${profiles} profile(s) CREATING`);
  frugality.push(await measureProfileWait({ profiles, timeScale }));
}
progress(`the standalone executable: build, 3 demos beside node's, then start-up, ${runs} rounds side by side`);
const { used, ...binary } = await measureBinary({ demoRuns: 3 }, (path) => ({
  startup: measureStartup({ runs, binary: path }),
  instructions: measureInstructions({ binary: path }),
}));
const startup = used?.startup ?? measureStartup({ runs });
const startupInstructions = used ? used.instructions : measureInstructions({});
progress('memory of a full demo');
const memory = await measureDemoMemory({ timeScale });
progress(`the simulator: ${runs} starts, 3 full fake eksctl create cluster runs`);
const simulator = await measureSimulator({ runs, createRuns: 3 });
progress('eksctl lines taken in per second: terminal (script) and CI, plain and --verbose, 50,000 lines each');
const eksctlLines = measureEksctlLines({ lines: 50_000 });

// eksctl's own step is the yardstick for heal latency; safe-eksctl's is the mean over the cases eksctl misses.
const eksctlHeal = cases[0]?.eksctl.healLatencyS;
const missed = cases.filter((c) => c.eksctl.healthyAfterS === undefined && c.safeEksctl.healLatencyS !== undefined);
const safeHeal = missed.length ? missed.reduce((sum, c) => sum + (c.safeEksctl.healLatencyS ?? 0), 0) / missed.length : undefined;
const calls = frugality.map((f) => f.describeCalls / f.profiles);
// The cases safe-eksctl heals: the issue's bar is at most 1.5 simulated seconds from the webhook seeing the profile to
// the restart, and exactly one restart, in every one of them.
const healed = cases.filter((c) => c.safeEksctl.restartBy === 'safe-eksctl');
const healLatencies = healed.map((c) => c.safeEksctl.healLatencyS ?? Infinity);
const results = {
  date: new Date().toISOString(),
  node: process.version,
  timeScale,
  command: 'npm run bench',
  // Simulated times include real overheads (process start, HTTP) divided by the time scale: a busy machine inflates them.
  cpus: availableParallelism(),
  loadAverageAtStart,
  cases,
  healLatency: {
    eksctlOwnStepS: eksctlHeal,
    safeEksctlS: safeHeal === undefined ? undefined : round(safeHeal),
    eksctlMissedCases: cases.filter((c) => c.eksctl.healthyAfterS === undefined).map((c) => c.config),
    ratioSafeToEksctl: eksctlHeal && safeHeal !== undefined ? round(safeHeal / eksctlHeal) : undefined,
    safeEksctlMaxS: healLatencies.length ? round(Math.max(...healLatencies)) : undefined,
    safeEksctlMinS: healLatencies.length ? round(Math.min(...healLatencies)) : undefined,
    restartsPerHealedCase: healed.map((c) => c.safeEksctl.restarts),
  },
  kubeCallsPerHeal: cases.map((c) => ({
    config: c.config,
    // eksctl alone's own calls (its CoreDNS step) come off the safe-eksctl run's total: exact where eksctl makes none.
    safeEksctl: c.safeEksctl.kubeCalls - c.eksctl.kubeCalls,
    exact: c.eksctl.kubeCalls === 0,
    byMethod: c.safeEksctl.kubeCallsByMethod,
    probes: c.safeEksctl.probes,
    eksctlAlone: c.eksctl.kubeCalls,
    // Like the calls, with eksctl alone's own connections taken off.
    connections: c.safeEksctl.kubeConnections - c.eksctl.kubeConnections,
  })),
  frugality: {
    profiles: frugality,
    // Per-profile cost at 10 profiles over the cost at 1: 1.0 means linear growth of the total.
    perProfileGrowth10vs1: round((calls[2] ?? 0) / (calls[0] ?? 1)),
    // eksctl alone, same profiles: its uncapped 2^n backoff polls less and notices ACTIVE later.
    eksctlOwnCallsPerProfilePerMinute: eksctlOwnRate(cases[0]),
  },
  startup,
  startupInstructions,
  binary,
  memory,
  simulator,
  eksctlLines,
  benchRealSeconds: Math.round((performance.now() - started) / 1000),
};
await writeFile(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(values.json ? `${JSON.stringify(results)}\n` : table(results));

/** eksctl's DescribeFargateProfile calls in its own run, per profile per minute of CREATING. */
function eksctlOwnRate(/** @type {any} */ c) {
  if (!c) return undefined;
  const profiles = c.eksctl.profiles;
  return round(c.eksctl.describeProfileCalls / profiles / (c.eksctl.fargateProfileSeconds / 60));
}

function round(/** @type {number} */ n) {
  return Math.round(n * 100) / 100;
}

function s(/** @type {number | undefined} */ seconds) {
  return seconds === undefined ? 'never' : `${seconds.toFixed(1)} s`;
}

/** @param {any} r */
function table(r) {
  const lines = [`safe-eksctl benchmarks (simulator, time scale ${r.timeScale}, node ${r.node}, ${r.cpus} CPUs, load ${r.loadAverageAtStart[0]})`, ''];
  lines.push('Heal latency: simulated seconds from the capturing profile visible to the webhook to the healing restart');
  lines.push(row(['case', 'eksctl', 'eksctl alone', 'with safe-eksctl', 'restart by', 'before eksctl exit', 'restarts']));
  for (const c of r.cases) {
    const early = c.safeEksctl.restartBy === 'safe-eksctl' && c.safeEksctl.own?.restartBeforeEksctlExitS > 0 ? s(c.safeEksctl.own.restartBeforeEksctlExitS) : '-';
    lines.push(row([c.config, c.eksctlVersion, s(c.eksctl.healLatencyS), s(c.safeEksctl.healLatencyS), c.safeEksctl.restartBy ?? '-', early, String(c.safeEksctl.restarts)]));
  }
  lines.push(`  safe-eksctl (cases eksctl misses) ${s(r.healLatency.safeEksctlS)} vs eksctl's own step ${s(r.healLatency.eksctlOwnStepS)}: ratio ${r.healLatency.ratioSafeToEksctl ?? '-'}`);
  lines.push(`  where safe-eksctl restarts: ${s(r.healLatency.safeEksctlMinS)}–${s(r.healLatency.safeEksctlMaxS)}, restarts per case ${r.healLatency.restartsPerHealedCase.join(', ')}`);
  lines.push('');
  lines.push('Kubernetes API calls per heal (the whole run: the heal during eksctl and the one after it)');
  lines.push(row(['case', 'calls', 'connections', 'GET', 'dry runs (probes)', 'PATCH', 'eksctl alone']));
  for (const k of r.kubeCallsPerHeal) {
    const m = k.byMethod;
    const approx = k.exact ? '' : '≈';
    lines.push(row([k.config, `${approx}${k.safeEksctl}`, `${approx}${k.connections}`, String(m['GET'] ?? 0), String(m['POST (dry run)'] ?? 0), String(m['PATCH'] ?? 0), String(k.eksctlAlone)]));
  }
  lines.push('');
  lines.push('Time to healthy DNS: simulated seconds from start until every CoreDNS replica is Ready');
  lines.push(row(['case', 'floor', 'eksctl alone', 'with safe-eksctl', 'above floor', "safe-eksctl's share", 'from webhook']));
  for (const c of r.cases) {
    const safe = c.safeEksctl;
    const above = safe.healthyAfterS === undefined ? undefined : safe.healthyAfterS - safe.floorS;
    const own = safe.own ? safe.own.beforeEksctlS + safe.own.eksctlExitToRestartS : undefined;
    const share = above !== undefined && own !== undefined && above > 0 ? `${own.toFixed(1)} s (${Math.round((own / above) * 100)}%)` : '-';
    lines.push(row([c.config, s(safe.floorS), s(c.eksctl.healthyAfterS), s(safe.healthyAfterS), s(above), share, s(safe.webhookToHealthyS)]));
  }
  lines.push(`  from webhook = from the webhook seeing the capturing profile to healthy DNS (floor: the ${r.cases[0]?.safeEksctl.fargatePodStartS ?? 45} s Fargate pod start)`);
  lines.push('  floor = control plane + one profile after another + webhook delay + Fargate pod start');
  lines.push("  safe-eksctl's share = its phases before eksctl starts + eksctl's exit to its restart; the rest is eksctl's");
  lines.push('');
  lines.push('API frugality: DescribeFargateProfile calls while profiles are CREATING (2 simulated minutes)');
  lines.push(row(['profiles', 'calls', 'per profile', 'per profile/min', '']));
  for (const f of r.frugality.profiles) {
    lines.push(row([String(f.profiles), String(f.describeCalls), (f.describeCalls / f.profiles).toFixed(1), f.callsPerProfilePerMinute.toFixed(1), '']));
  }
  lines.push(`  per-profile cost at 10 profiles / at 1: ${r.frugality.perProfileGrowth10vs1} (1.0 = linear)`);
  lines.push(`  eksctl alone (2^n backoff, ${r.cases[0]?.config}): ${r.frugality.eksctlOwnCallsPerProfilePerMinute} per profile/min`);
  lines.push('');
  const t = r.startup;
  const ms = (/** @type {any} */ x) => `${x.medianMs} ms (${x.minMs}–${x.maxMs})`;
  lines.push(`Start-up, wall clock, ${t.runs} rounds side by side: median (min–max)`);
  lines.push(`  node -e 0                                ${ms(t.nodeAlone)}`);
  lines.push(`  safe-eksctl --version                    ${ms(t.version)}   ${t.versionVsNode}× node`);
  lines.push(`  safe-eksctl get cluster (pass-through)   ${ms(t.passThrough)}   ${t.passThroughVsNode}× node (stand-in eksctl ${t.standInPath} alone: ${ms(t.standIn)})`);
  if (t.binaryVersion) lines.push(`  standalone executable --version          ${ms(t.binaryVersion)}   ${t.binaryVersionVsNode}× node`);
  const i = r.startupInstructions;
  if (i) {
    const m = i.millions;
    lines.push(`  instructions (callgrind): node -e 0 ${m.nodeAlone} M; --version ${m.version} M (${i.versionVsNode}×); pass-through ${m.passThrough} M (${i.passThroughVsNode}×)` +
      (m.binaryVersion ? `; executable --version ${m.binaryVersion} M (${i.binaryVersionVsNode}×)` : ''));
  }
  lines.push('');
  const b = r.binary;
  if (b.skipped) lines.push(`Standalone executable: not built (${b.skipped})`);
  else {
    lines.push(`Standalone executable: ${b.sizeMb} MB, built in ${b.buildS} s`);
    lines.push(`  demo wall time   executable ${b.binaryDemoS.join(', ')} s   node bin/safe-eksctl.js ${b.nodeDemoS.join(', ')} s`);
  }
  lines.push('');
  lines.push('Memory: peak RSS of `safe-eksctl demo`');
  lines.push(`  safe-eksctl (with the in-process simulator) ${r.memory.safeEksctlPeakRssMb} MB; eksctl create child ${r.memory.eksctlCreatePeakRssMb} MB; eksctl version child ${r.memory.eksctlVersionPeakRssMb} MB`);
  lines.push('');
  const sim = r.simulator;
  const spread = (/** @type {any} */ x, /** @type {string} */ unit) => `${x.median} ${unit} (${x.min}–${x.max})`;
  lines.push('The simulator (the test bed every suite runs on)');
  lines.push(`  startSimulator in process           first ${sim.firstStartMs} ms, then ${spread(sim.startMs, 'ms')} over ${sim.runs} runs`);
  lines.push(`  fake eksctl create cluster at ${sim.createTimeScale}    ${spread(sim.createRealS, 's')} over ${sim.createRuns} runs; floor ${sim.createFloorS} s (${sim.createSimulatedWaitS} simulated s): ${sim.createVsFloor}× the floor`);
  lines.push('');
  lines.push("eksctl's output: lines per second the eksctl phase takes in (eksctl waits on its pipe while we lag)");
  for (const c of r.eksctlLines.cases) {
    lines.push(`  ${`${c.screen}${c.verbose ? ', --verbose' : ''}`.padEnd(34)}${String(c.linesPerSecond).padStart(8)} lines/s (${c.lines} lines in ${c.ms} ms)`);
  }
  lines.push(`  slowest: ${r.eksctlLines.slowestLinesPerSecond} lines/s`);
  lines.push('');
  lines.push(`(${r.benchRealSeconds} s; figures kept in bench/results.json)`);
  return `${lines.join('\n')}\n`;
}

function row(/** @type {string[]} */ cells) {
  const widths = [26, 10, 14, 18, 13, 21, 12];
  return `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 10)).join('')}`.trimEnd();
}
