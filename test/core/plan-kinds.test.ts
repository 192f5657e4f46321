// `plan` over configs of every kind of cluster eksctl 0.230 creates (test/fixtures/kinds/): none is refused, each says
// in its findings what kind it is, and between them they use every top-level ClusterConfig field eksctl accepts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli.js';
import type { Plan } from '../../src/core/plan.js';
// The simulated eksctl's list of ClusterConfig fields is eksctl 0.230's (types.go), which it refuses anything beyond.
import { CLUSTER_CONFIG_FIELDS, parseClusterConfig as parseAsEksctl } from '../../src/sim/fake-eksctl/config.js';
import { validateForCreate } from '../../src/sim/fake-eksctl/validate.js';
import { ROOT } from '../helpers/bin.js';
import { captureIo } from '../helpers/io.js';

const KINDS = join(ROOT, 'test', 'fixtures', 'kinds');
const files = readdirSync(KINDS).filter((f) => f.endsWith('.yaml')).sort();


async function plan(file: string): Promise<{ exitCode: number; plan: Plan; stderr: string }> {
  const io = captureIo({ cwd: KINDS });
  const exitCode = await main(['plan', '-f', file, '--eksctl-version', '0.230.0', '-o', 'json'], io);
  return { exitCode, plan: JSON.parse(io.out() || 'null') as Plan, stderr: io.err() };
}

const codes = (p: Plan) => p.findings.filter((f) => f.level !== 'info' || /AUTO_MODE|HYBRID|OUTPOSTS/.test(f.code)).map((f) => `${f.level}:${f.code}`);

describe('plan over every kind of cluster eksctl creates', () => {
  it('has at least 20 configs, which between them use every top-level ClusterConfig field', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(CLUSTER_CONFIG_FIELDS).toHaveLength(31);
    const used = new Set(files.flatMap((f) => Object.keys(parse(readFileSync(join(KINDS, f), 'utf8'), { merge: true }) as object)));
    expect(CLUSTER_CONFIG_FIELDS.filter((field) => !used.has(field))).toEqual([]);
  });

  it.each(files)('%s: read as eksctl reads it and not refused (exit 0, no error finding)', async (file) => {
    // The simulated eksctl's reader follows eksctl's strict decoding and its create-time checks.
    expect(() => validateForCreate(parseAsEksctl(readFileSync(join(KINDS, file), 'utf8'), file))).not.toThrow();
    const result = await plan(file);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.plan.findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  it.each([
    ['auto-mode.yaml', ['info:AUTO_MODE'], { exists: false }, /^leave CoreDNS alone: Auto Mode runs the cluster DNS/],
    ['auto-mode-fargate.yaml', ['info:AUTO_MODE'], { exists: false }, /^leave CoreDNS alone: Auto Mode/],
    ['auto-mode-hybrid-coredns.yaml', ['info:AUTO_MODE', 'info:HYBRID_NODES'], { exists: true, canRun: true }, /^wait until CoreDNS is Ready on the Auto Mode nodes$/],
    ['disabled-addons-with-coredns.yaml', [], { exists: true, capturedBy: 'fp-system', eksctlHandles: true }, /^check that CoreDNS runs on Fargate/],
    ['disabled-addons-bare.yaml', ['warning:NO_COREDNS'], { exists: false }, /^leave CoreDNS alone: the config creates no CoreDNS/],
    ['no-compute-custom-vpc.yaml', ['warning:NO_COMPUTE'], { exists: true, waitsForCompute: true }, /^leave CoreDNS alone: nothing can run CoreDNS yet: it stays Pending until compute is added; safe-eksctl check --cluster kinds-later --region eu-north-1 is the gate$/],
    ['hybrid-nodes.yaml', ['info:HYBRID_NODES', 'warning:NO_COMPUTE'], { waitsForCompute: true }, /until hybrid nodes join/],
    ['zonal-shift.yaml', ['warning:NO_COMPUTE'], { waitsForCompute: true }, /^leave CoreDNS alone/],
    ['private-endpoint.yaml', ['warning:PRIVATE_ENDPOINT'], { canRun: true }, /^wait until CoreDNS is Ready on the EC2 nodes$/],
    ['private-cluster-fargate.yaml', ['warning:PRIVATE_ENDPOINT'], { eksctlHandles: true }, /^check that CoreDNS runs on Fargate/],
    ['outposts.yaml', ['info:OUTPOSTS', 'warning:PRIVATE_ENDPOINT'], { canRun: true, ec2Annotation: false }, /EC2 nodes/],
    ['fargate-merge-keys.yaml', ['warning:COREDNS_STRANDED_BY_EKSCTL'], { capturedBy: 'fp-system' }, /^wait until CoreDNS is Ready$/],
    ['fargate-china.yaml', [], { capturedBy: 'fp-default', eksctlHandles: true }, /^check that CoreDNS runs on Fargate/],
  ] as const)('%s says what kind of cluster it is', async (file, expected, coredns, corednsStep) => {
    const { plan: p } = await plan(file);
    expect(codes(p)).toEqual(expected);
    expect(p.coredns).toMatchObject(coredns);
    expect(p.steps.filter((step) => /CoreDNS/.test(step)).at(-1)).toMatch(corednsStep);
  });

  it('reads the endpoint and the addons from the config', async () => {
    expect((await plan('private-cluster-fargate.yaml')).plan.kind).toMatchObject({ endpoint: 'private-after-create', outposts: false });
    expect((await plan('outposts.yaml')).plan.kind).toMatchObject({ endpoint: 'private', outposts: true, nodegroups: 1 });
    expect((await plan('fargate-china.yaml')).plan.kind).toMatchObject({ metricsServerAddon: false, coreDnsAddon: true });
    expect((await plan('auto-mode.yaml')).plan.kind).toMatchObject({ autoMode: true, coreDnsAddon: false, metricsServerAddon: true });
    expect((await plan('access-entries.yaml')).plan.kind).toMatchObject({ metricsServerAddon: true, endpoint: 'public' });
  });
});
