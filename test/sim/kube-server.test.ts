import { request } from 'node:https';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, ApiException } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createEksToken } from '../../src/adapters/token.js';
import type { Deployment, Pod } from '../../src/sim/kube/types.js';
import { startTestBed, type TestBed } from '../helpers/kube-helpers.js';

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

function clientsFor(b: TestBed, token: string) {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sim', server: b.server.url, caData: Buffer.from(b.server.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'sim', token }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'sim' }],
    currentContext: 'sim',
  });
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

/** A raw HTTPS call, to see status codes and bodies exactly as the server sends them. */
function raw(b: TestBed, path: string, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${b.server.url}${path}`, { ca: b.server.caPem, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, contentType: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Kubernetes API through @kubernetes/client-node', () => {
  it('lists, gets and filters pods with label and field selectors', async () => {
    bed = await startTestBed();
    bed.addCluster('demo').installCoreDns();
    const { core } = clientsFor(bed, await bed.token('demo'));
    const all = await core.listNamespacedPod({ namespace: 'kube-system' });
    expect(all.items).toHaveLength(2);
    expect(all.metadata?.resourceVersion).toMatch(/^\d+$/);
    const byLabel = await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app in (kube-dns),eks.amazonaws.com/component=coredns' });
    expect(byLabel.items.map((p) => p.spec?.schedulerName)).toEqual(['default-scheduler', 'default-scheduler']);
    expect((await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app notin (kube-dns)' })).items).toHaveLength(0);
    expect((await core.listNamespacedPod({ namespace: 'kube-system', fieldSelector: 'status.phase=Pending,spec.nodeName=' })).items).toHaveLength(2);
    expect((await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running' })).items).toHaveLength(0);
    const name = all.items[0]!.metadata!.name!;
    const one = await core.readNamespacedPod({ namespace: 'kube-system', name });
    expect(one.status?.conditions?.[0]).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' });
    const events = await core.listNamespacedEvent({ namespace: 'kube-system', fieldSelector: `involvedObject.name=${name},reason=FailedScheduling` });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]?.type).toBe('Warning');
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name).sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('patches a deployment with strategic merge, merge and JSON patches; a template change starts a rollout', async () => {
    bed = await startTestBed();
    const cluster = bed.addCluster('old', '1.28');
    cluster.installCoreDns();
    bed.profiles.set('old', [{ name: 'coredns', selectors: [{ namespace: 'kube-system' }] }]);
    const { apps } = clientsFor(bed, await bed.token('old'));
    const before = await apps.readNamespacedDeployment({ namespace: 'kube-system', name: 'coredns' });
    expect(before.spec?.template.metadata?.annotations).toEqual({ 'eks.amazonaws.com/compute-type': 'ec2' });
    expect(before.metadata?.generation).toBe(1);

    const merged = await apps.patchNamespacedDeployment(
      { namespace: 'kube-system', name: 'coredns', body: { spec: { template: { metadata: { annotations: { 'eks.amazonaws.com/compute-type': 'fargate' } } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.generation).toBe(2);
    expect(merged.spec?.template.metadata?.annotations).toEqual({ 'eks.amazonaws.com/compute-type': 'fargate' });
    const pods = cluster.listPods('kube-system', { 'k8s-app': 'kube-dns' }) as Pod[];
    expect(pods.some((p) => p.spec.schedulerName === 'fargate-scheduler')).toBe(true);

    const strategic = await apps.patchNamespacedDeployment(
      { namespace: 'kube-system', name: 'coredns', body: { spec: { template: { spec: { containers: [{ name: 'coredns', image: 'coredns:patched' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.spec?.template.spec?.containers).toHaveLength(1);
    expect(strategic.spec?.template.spec?.containers[0]).toMatchObject({ name: 'coredns', image: 'coredns:patched', args: ['-conf', '/etc/coredns/Corefile'] });

    const json = await apps.patchNamespacedDeployment(
      { namespace: 'kube-system', name: 'coredns', body: [{ op: 'remove', path: '/spec/template/metadata/annotations/eks.amazonaws.com~1compute-type' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(json.spec?.template.metadata?.annotations).toEqual({});
    expect(json.metadata?.generation).toBe(4);
    const d = cluster.get<Deployment>('deployments', 'kube-system', 'coredns')!;
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
    const status = await apps.readNamespacedDeploymentStatus({ namespace: 'kube-system', name: 'coredns' });
    expect(status.status?.observedGeneration).toBe(4);
  });

  it('answers a missing object with a NotFound Status', async () => {
    bed = await startTestBed();
    bed.addCluster('demo');
    const { apps } = clientsFor(bed, await bed.token('demo'));
    const error = await apps.readNamespacedDeployment({ namespace: 'kube-system', name: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<string>).code).toBe(404);
    const res = await raw(bed, '/apis/apps/v1/namespaces/kube-system/deployments/nope', await bed.token('demo'));
    expect(JSON.parse(res.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
    expect((await raw(bed, '/api/v1/pods?fieldSelector=spec.bogus%3Dx', await bed.token('demo'))).status).toBe(400);
  });

  it('streams watch events from a list resourceVersion', async () => {
    bed = await startTestBed();
    const cluster = bed.addCluster('demo');
    cluster.installCoreDns();
    const token = await bed.token('demo');
    const list = JSON.parse((await raw(bed, '/apis/apps/v1/namespaces/kube-system/deployments?fieldSelector=metadata.name%3Dcoredns', token)).body);
    expect(list.kind).toBe('DeploymentList');
    const lines: { type: string; object: Deployment }[] = [];
    const req = request(
      `${bed.server.url}/apis/apps/v1/namespaces/kube-system/deployments?watch=true&fieldSelector=metadata.name%3Dcoredns&resourceVersion=${list.metadata.resourceVersion}`,
      { ca: bed.server.caPem, headers: { authorization: `Bearer ${token}` } },
    );
    const got = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          const parts = buffer.split('\n');
          buffer = parts.pop()!;
          for (const p of parts) lines.push(JSON.parse(p));
          if (lines.some((l) => l.object.metadata.generation === 2)) resolve();
        });
      });
    });
    req.end();
    await new Promise((r) => setTimeout(r, 50));
    const d = cluster.get<Deployment>('deployments', 'kube-system', 'coredns')!;
    d.spec.template.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': 'now' };
    cluster.update('deployments', d);
    await got;
    req.destroy();
    expect(lines[0]?.type).toBe('MODIFIED');
    expect(lines.every((l) => l.object.kind === 'Deployment' && l.object.metadata.name === 'coredns')).toBe(true);
  });
});

describe('watch history', () => {
  it('answers a watch from a resourceVersion no longer kept with an ERROR event: 410 Expired', async () => {
    bed = await startTestBed();
    const cluster = bed.addCluster('demo');
    for (let i = 0; i < 2100; i++) {
      const ns = cluster.get('namespaces', undefined, 'default')!;
      cluster.update('namespaces', { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, n: String(i) } } });
    }
    const res = await raw(bed, '/api/v1/namespaces?watch=true&resourceVersion=5', await bed.token('demo'));
    const event = JSON.parse(res.body.trim());
    expect(event).toMatchObject({ type: 'ERROR', object: { kind: 'Status', reason: 'Expired', code: 410 } });
  });
});

describe('EKS token authentication', () => {
  it('refuses requests without a valid EKS token with a 401 Status', async () => {
    bed = await startTestBed();
    bed.addCluster('demo');
    for (const token of [undefined, 'abc', 'k8s-aws-v1.' + Buffer.from('https://example.com/?Action=ListUsers').toString('base64url')]) {
      const res = await raw(bed, '/api/v1/namespaces', token);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    }
  });

  it('finds the cluster a token was signed for, and refuses a token for a cluster that does not exist', async () => {
    bed = await startTestBed();
    bed.addCluster('new', '1.31');
    bed.addCluster('old', '1.28');
    expect(JSON.parse((await raw(bed, '/version', await bed.token('old'))).body).gitVersion).toMatch(/^v1\.28\.\d+-eks-/);
    expect(JSON.parse((await raw(bed, '/version', await bed.token('new'))).body).gitVersion).toMatch(/^v1\.31\.\d+-eks-/);
    expect((await raw(bed, '/version', await bed.token('gone'))).status).toBe(401);
  });

  it('accepts a token signed with a foreign key only when a single cluster exists', async () => {
    bed = await startTestBed();
    bed.addCluster('a');
    const foreign = (await createEksToken({ clusterName: 'a', region: 'us-west-2', credentials: { accessKeyId: 'AKIAOTHERKEY00000000', secretAccessKey: 'x' } })).token;
    expect((await raw(bed, '/api/v1/namespaces', foreign)).status).toBe(200);
    bed.addCluster('b');
    expect((await raw(bed, '/api/v1/namespaces', foreign)).status).toBe(401);
  });

  it('refuses tokens older than 15 minutes, or older than the token-ttl fault in simulated seconds', async () => {
    let realNow = Date.now();
    bed = await startTestBed({ scale: 0.01, realNow: () => realNow });
    bed.addCluster('demo');
    const token = await bed.token('demo', new Date(realNow));
    expect((await raw(bed, '/api/v1/namespaces', token)).status).toBe(200);
    realNow += 16 * 60_000;
    expect((await raw(bed, '/api/v1/namespaces', token)).status).toBe(401);

    realNow = Date.now();
    bed.faults.tokenTtlSeconds = 300;
    const fresh = await bed.token('demo', new Date(realNow));
    realNow += 2_000; // 200 simulated seconds at scale 0.01
    expect((await raw(bed, '/api/v1/namespaces', fresh)).status).toBe(200);
    realNow += 2_000; // 400 simulated seconds
    expect((await raw(bed, '/api/v1/namespaces', fresh)).status).toBe(401);
  });
});

describe('faults', () => {
  it('kube-5xx answers that share of requests with a 500 Status', async () => {
    bed = await startTestBed({ faults: { kube5xx: 0.5 } });
    bed.addCluster('demo');
    const token = await bed.token('demo');
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await raw(bed, '/api/v1/namespaces', token)).status);
    const failures = codes.filter((c) => c === 500).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
    expect(codes.every((c) => c === 200 || c === 500)).toBe(true);
    bed.faults.kube5xx = 1;
    const res = await raw(bed, '/api/v1/namespaces', token);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
  });
});
