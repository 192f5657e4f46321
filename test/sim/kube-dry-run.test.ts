// Server-side dry runs of pod creates (`?dryRun=All`), as the Kubernetes API docs define them: every stage of a
// create runs, admission webhooks included (the Fargate webhook declares sideEffects None), and the answer is the
// object as it would be stored (name generated, uid and creationTimestamp set), but nothing is stored, scheduled or
// announced. Also what a slow webhook (timeoutSeconds 5, failurePolicy Ignore) and a refused dry run look like.
import { request } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment, Pod } from '../../src/sim/kube/types.js';
import { hasCommand } from '../helpers/commands.js';
import { startTestBed, type TestBed } from '../helpers/kube-helpers.js';

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

interface Answer {
  status: number;
  body: Record<string, any>;
}

/** A raw HTTPS request with a JSON body, to see status codes and bodies exactly as the server sends them. */
function send(b: TestBed, method: string, path: string, token: string, body: unknown, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(`${b.server.url}${path}`, { method, ca: b.server.caPem, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as Record<string, any> }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** A pod as the ReplicaSet controller would make it from CoreDNS's template. */
function corednsPod(b: TestBed, cluster: string): Pod {
  const d = b.clusters.get(cluster)!.get<Deployment>('deployments', 'kube-system', 'coredns')!;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'coredns-probe-', namespace: 'kube-system', labels: d.spec.template.metadata?.labels, annotations: d.spec.template.metadata?.annotations },
    spec: d.spec.template.spec,
  } as unknown as Pod;
}

async function clusterWithCoreDns(version = '1.31', faults: Parameters<typeof startTestBed>[0] = {}) {
  // On virtual time: no timer of the cluster (scheduling, events) fires unless the test waits on the clock.
  const b = (bed = await startTestBed({ virtual: true, ...faults }));
  const cluster = b.addCluster('demo', version);
  cluster.installCoreDns();
  return { b, cluster, token: await b.token('demo') };
}

const PODS = '/api/v1/namespaces/kube-system/pods';
const CAPTURING = [{ name: 'fp-coredns', selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }] }];

describe('dryRun=All on pod create', () => {
  it('answers with the pod as it would be stored, through the webhook, and stores, schedules and announces nothing', async () => {
    const { b, cluster, token } = await clusterWithCoreDns();
    const podsBefore = cluster.listPods('kube-system').map((p) => p.metadata.name);
    const eventsBefore = cluster.list('events').length;
    const revisionBefore = cluster.store.resourceVersion;
    const changes: string[] = [];
    cluster.store.watch((e) => changes.push(`${e.type} ${e.resource}`));

    const unseen = await send(b, 'POST', `${PODS}?dryRun=All`, token, corednsPod(b, 'demo'));
    expect(unseen.status).toBe(201);
    expect(unseen.body.metadata).toMatchObject({ namespace: 'kube-system', name: expect.stringMatching(/^coredns-probe-[a-z0-9]{5}$/), uid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(unseen.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Never stored, so never versioned.
    expect(unseen.body.metadata.resourceVersion ?? '').toBe('');
    expect(unseen.body.spec.schedulerName).toBe('default-scheduler');
    expect(unseen.body.metadata.labels).not.toHaveProperty('eks.amazonaws.com/fargate-profile');
    expect(unseen.body.status).toMatchObject({ phase: 'Pending' });
    expect(unseen.body.spec.nodeName).toBeUndefined();

    b.profiles.set('demo', CAPTURING);
    const seen = await send(b, 'POST', `${PODS}?dryRun=All`, token, corednsPod(b, 'demo'));
    expect(seen.status).toBe(201);
    expect(seen.body.spec.schedulerName).toBe('fargate-scheduler');
    expect(seen.body.metadata.labels['eks.amazonaws.com/fargate-profile']).toBe('fp-coredns');
    expect(seen.body.metadata.name).not.toBe(unseen.body.metadata.name);

    // Give any timer a dry run could have started (scheduling, Fargate start) far more than its time.
    await b.clock.sleep(120_000);
    expect(cluster.listPods('kube-system').map((p) => p.metadata.name)).toEqual(podsBefore);
    expect(cluster.list('events')).toHaveLength(eventsBefore);
    expect(cluster.store.resourceVersion).toBe(revisionBefore);
    expect(changes).toEqual([]);
    expect(b.server.requestsByMethod()).toMatchObject({ 'POST (dry run)': 2 });
    expect(b.server.requestsByMethod()['POST']).toBeUndefined();
  });

  it('the webhook skips a pod that carries compute-type: ec2 (Kubernetes 1.28 CoreDNS), on a dry run as on a create', async () => {
    const { b, token } = await clusterWithCoreDns('1.28');
    b.profiles.set('demo', CAPTURING);
    const pod = corednsPod(b, 'demo');
    expect(pod.metadata.annotations?.['eks.amazonaws.com/compute-type']).toBe('ec2');
    const skipped = await send(b, 'POST', `${PODS}?dryRun=All`, token, pod);
    expect(skipped.body.spec.schedulerName).toBe('default-scheduler');
    delete pod.metadata.annotations!['eks.amazonaws.com/compute-type'];
    expect((await send(b, 'POST', `${PODS}?dryRun=All`, token, pod)).body.spec.schedulerName).toBe('fargate-scheduler');
  });

  it('a name already taken is AlreadyExists, as a create would be; only dryRun=All is a dry run', async () => {
    const { b, cluster, token } = await clusterWithCoreDns();
    const taken = cluster.listPods('kube-system')[0]!.metadata.name;
    const pod = corednsPod(b, 'demo');
    const clash = await send(b, 'POST', `${PODS}?dryRun=All`, token, { ...pod, metadata: { ...pod.metadata, name: taken, generateName: undefined } });
    expect(clash).toMatchObject({ status: 409, body: { kind: 'Status', reason: 'AlreadyExists' } });

    const bad = await send(b, 'POST', `${PODS}?dryRun=Some`, token, pod);
    expect(bad).toMatchObject({ status: 422, body: { reason: 'Invalid', message: expect.stringContaining('dryRun: Unsupported value: ["Some"]: supported values: "All"') } });
    // The simulator does not pretend to dry-run other verbs: it refuses rather than really patch.
    const patch = await send(b, 'PATCH', `/apis/apps/v1/namespaces/kube-system/deployments/coredns?dryRun=All`, token, { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json');
    expect(patch.status).toBe(400);
    expect(cluster.get<Deployment>('deployments', 'kube-system', 'coredns')!.metadata.labels).not.toHaveProperty('a');
    expect(cluster.listPods('kube-system')).toHaveLength(2);
  });
});

describe('a slow Fargate webhook (timeoutSeconds 5, failurePolicy Ignore)', () => {
  it('answering in 3 s: the create waits for it and the pod is captured', async () => {
    const { b, token } = await clusterWithCoreDns('1.31', { faults: { webhookLatencySeconds: 3 } });
    b.profiles.set('demo', CAPTURING);
    const before = b.clock.now();
    const answer = await send(b, 'POST', `${PODS}?dryRun=All`, token, corednsPod(b, 'demo'));
    expect(b.clock.now() - before).toBeGreaterThanOrEqual(3_000);
    expect(answer.body.spec.schedulerName).toBe('fargate-scheduler');
  });

  it('answering in 8 s: after 5 s the pod is admitted unmutated, dry run or not, and stays Pending on default-scheduler', async () => {
    const { b, cluster, token } = await clusterWithCoreDns('1.31', { faults: { webhookLatencySeconds: 8 } });
    b.profiles.set('demo', CAPTURING);
    const before = b.clock.now();
    const dry = await send(b, 'POST', `${PODS}?dryRun=All`, token, corednsPod(b, 'demo'));
    expect(b.clock.now() - before).toBeGreaterThanOrEqual(5_000);
    expect(dry.body.spec.schedulerName).toBe('default-scheduler');
    const real = await send(b, 'POST', PODS, token, corednsPod(b, 'demo'));
    expect(real.status).toBe(201);
    expect(real.body.spec.schedulerName).toBe('default-scheduler');
    expect(cluster.get<Pod>('pods', 'kube-system', real.body.metadata.name)?.spec.schedulerName).toBe('default-scheduler');
  });
});

describe('dry-run-refused', () => {
  it('403: an identity without RBAC create pods is refused every pod create, dry run or not', async () => {
    const { b, cluster, token } = await clusterWithCoreDns('1.31', { faults: { dryRunRefused: 403 } });
    for (const path of [`${PODS}?dryRun=All`, PODS]) {
      const answer = await send(b, 'POST', path, token, corednsPod(b, 'demo'));
      expect(answer).toMatchObject({ status: 403, body: { kind: 'Status', reason: 'Forbidden', message: expect.stringContaining('cannot create resource "pods"') } });
    }
    expect(cluster.listPods('kube-system')).toHaveLength(2);
  });

  it('400: another webhook without dry-run support refuses dry runs only', async () => {
    const { b, token } = await clusterWithCoreDns('1.31', { faults: { dryRunRefused: 400 } });
    const dry = await send(b, 'POST', `${PODS}?dryRun=All`, token, corednsPod(b, 'demo'));
    expect(dry).toMatchObject({ status: 400, body: { reason: 'BadRequest', message: expect.stringContaining('does not support dry run') } });
    expect((await send(b, 'POST', PODS, token, corednsPod(b, 'demo'))).status).toBe(201);
  });
});

const kubectlInstalled = hasCommand('kubectl');

describe.skipIf(!kubectlInstalled)('kubectl --dry-run=server against the simulator', () => {
  it('kubectl create -f and kubectl run show the mutated pod and create nothing', async () => {
    const { b, cluster, token } = await clusterWithCoreDns();
    b.profiles.set('demo', [...CAPTURING, { name: 'fp-apps', selectors: [{ namespace: 'default' }] }]);
    const dir = await mkdtemp(join(tmpdir(), 'kube-dry-run-'));
    try {
      const caFile = join(dir, 'ca.pem');
      await writeFile(caFile, b.server.caPem);
      // kubectl's requests are another process's: its run is work the clock waits for.
      const kubectl = (...args: string[]) =>
        b.clock.track(() =>
          execa('kubectl', [`--server=${b.server.url}`, `--certificate-authority=${caFile}`, `--token=${token}`, ...args], {
            reject: false,
            env: { KUBECONFIG: join(dir, 'none'), HOME: dir },
            timeout: 60_000,
          }),
        );
      const file = join(dir, 'pod.json');
      await writeFile(file, JSON.stringify(corednsPod(b, 'demo')));

      // The simulator serves no OpenAPI document, which kubectl's client-side validation of a file would download.
      const created = await kubectl('create', '--dry-run=server', '--validate=false', '-f', file, '-o', 'yaml');
      expect(created.exitCode, created.stderr).toBe(0);
      const pod = parse(created.stdout) as Pod;
      expect(pod.metadata.name).toMatch(/^coredns-probe-/);
      expect(pod.spec.schedulerName).toBe('fargate-scheduler');
      expect(pod.metadata.labels?.['eks.amazonaws.com/fargate-profile']).toBe('fp-coredns');

      const run = await kubectl('run', 'web', '--image=nginx', '--dry-run=server', '-o', 'yaml');
      expect(run.exitCode, run.stderr).toBe(0);
      const web = parse(run.stdout) as Pod;
      expect(web.metadata).toMatchObject({ name: 'web', namespace: 'default', labels: { run: 'web', 'eks.amazonaws.com/fargate-profile': 'fp-apps' } });
      expect(web.spec.schedulerName).toBe('fargate-scheduler');

      expect(cluster.listPods('default')).toEqual([]);
      expect(cluster.listPods('kube-system')).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
