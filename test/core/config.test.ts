import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { formatPath, loadClusterConfig, MAX_CONFIG_BYTES, parseClusterConfig } from '../../src/core/config.js';
import { UsageError } from '../../src/errors.js';
import { EXAMPLES } from '../helpers/bin.js';
import { captureIo } from '../helpers/io.js';

const unreadable = vi.hoisted(() => new Set<string>());
/** Bytes read from each opened path: proves what was left unread. */
const bytesRead = vi.hoisted(() => new Map<string, number>());
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: (async (path: string, ...rest: unknown[]) => {
      if (unreadable.has(path)) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
      const handle = await (actual.open as (...args: unknown[]) => Promise<import('node:fs/promises').FileHandle>)(path, ...rest);
      const read = handle.read.bind(handle) as (...args: unknown[]) => Promise<{ bytesRead: number }>;
      bytesRead.set(path, 0);
      return Object.assign(handle, {
        read: async (...args: unknown[]) => {
          const result = await read(...args);
          bytesRead.set(path, bytesRead.get(path)! + result.bytesRead);
          return result;
        },
      });
    }) as typeof actual.open,
  };
});

const HEAD = 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: us-west-2\n';

function problem(text: string): string {
  try {
    parseClusterConfig(text, 'cluster.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

const profile = (selectors: string) => `${HEAD}fargateProfiles:\n  - name: fp\n    selectors:\n${selectors}`;

describe('parseClusterConfig rejects', () => {
  it.each([
    ['an empty file', '', 'cluster.yaml: is empty'],
    ['a file of comments', '# nothing\n', 'cluster.yaml: is empty'],
    ['text that is not YAML', 'metadata: [name: x\n', /^cluster\.yaml: not valid YAML: /],
    ['several documents', `${HEAD}---\n${HEAD}`, 'cluster.yaml: holds 2 YAML documents; put one ClusterConfig in the file'],
    ['a list instead of a map', '- a\n- b\n', 'cluster.yaml: must be a ClusterConfig map, not a list'],
    ['a wrong kind', HEAD.replace('ClusterConfig', 'NodeGroup'), 'cluster.yaml: kind: must be ClusterConfig'],
    ['a missing kind', HEAD.replace('kind: ClusterConfig\n', ''), 'cluster.yaml: kind: is required'],
    ['a wrong apiVersion', HEAD.replace('v1alpha5', 'v1alpha4'), 'cluster.yaml: apiVersion: must be eksctl.io/v1alpha5'],
    ['a missing metadata', 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n', 'cluster.yaml: metadata: is required'],
    ['a missing name', HEAD.replace('  name: demo\n', ''), 'cluster.yaml: metadata.name: is required'],
    ['a missing region', HEAD.replace('  region: us-west-2\n', ''), 'cluster.yaml: metadata.region: is required'],
    ['an empty region', HEAD.replace('us-west-2', '""'), 'cluster.yaml: metadata.region: must not be empty'],
    ['a name with an underscore', HEAD.replace('demo', 'my_demo'), /^cluster\.yaml: metadata\.name: may contain only/],
    ['a name of 101 characters', HEAD.replace('demo', 'a'.repeat(101)), /metadata\.name: must be at most 100 characters$/],
    [
      'a version YAML reads as a number',
      `${HEAD}  version: 1.30\n`,
      'cluster.yaml: metadata.version: must be a string such as "1.31", not a number: write "1.30" in quotes ' +
        '(YAML reads 1.30 as the number 1.3)',
    ],
    ['a version that is no version', `${HEAD}  version: "one"\n`, /metadata\.version: must be a Kubernetes version/],
    ['fargateProfiles that is a map', `${HEAD}fargateProfiles:\n  fp: {}\n`, 'cluster.yaml: fargateProfiles: must be a list, not a map'],
    [
      'duplicate profile names',
      `${HEAD}fargateProfiles:\n  - name: fp\n    selectors: [{namespace: a}]\n  - name: fp\n    selectors: [{namespace: b}]\n`,
      'cluster.yaml: fargateProfiles[1].name: "fp" is used by another profile',
    ],
    ['a profile without name', `${HEAD}fargateProfiles:\n  - selectors: [{namespace: a}]\n`, 'cluster.yaml: fargateProfiles[0].name: is required'],
    ['a reserved profile name', `${HEAD}fargateProfiles:\n  - name: eks-x\n    selectors: [{namespace: a}]\n`, /fargateProfiles\[0\]\.name: must not start with "eks-"/],
    ['a profile without selectors', `${HEAD}fargateProfiles:\n  - name: fp\n`, 'cluster.yaml: fargateProfiles[0].selectors: is required'],
    ['a profile with no selectors', profile('      []\n').replace('selectors:\n      []', 'selectors: []'), 'cluster.yaml: fargateProfiles[0].selectors: needs at least one selector'],
    [
      'a selector without namespace',
      profile('      - namespace: a\n      - labels: {app: web}\n'),
      'cluster.yaml: fargateProfiles[0].selectors[1].namespace: is required',
    ],
    [
      'six selectors',
      profile(['a', 'b', 'c', 'd', 'e', 'f'].map((ns) => `      - namespace: ${ns}\n`).join('')),
      'cluster.yaml: fargateProfiles[0].selectors: has more than 5 selectors (Fargate allows at most 5)',
    ],
    [
      'a label value that is a number',
      profile('      - namespace: a\n        labels:\n          tier: 2\n'),
      'cluster.yaml: fargateProfiles[0].selectors[0].labels.tier: must be a string, not a number: write "2" in quotes',
    ],
    [
      'a label value that is a map',
      profile('      - namespace: a\n        labels:\n          eks.amazonaws.com/component: {name: coredns}\n'),
      'cluster.yaml: fargateProfiles[0].selectors[0].labels["eks.amazonaws.com/component"]: must be a string, not a map',
    ],
    [
      'labels that are a list',
      profile('      - namespace: a\n        labels: [a]\n'),
      'cluster.yaml: fargateProfiles[0].selectors[0].labels: must be a map of strings, not a list',
    ],
    [
      'six labels',
      profile(`      - namespace: a\n        labels: {${[1, 2, 3, 4, 5, 6].map((n) => `k${n}: v`).join(', ')}}\n`),
      'cluster.yaml: fargateProfiles[0].selectors[0].labels: has more than 5 labels (Fargate allows at most 5)',
    ],
    ['an addon without name', `${HEAD}addons:\n  - version: latest\n`, 'cluster.yaml: addons[0].name: is required'],
    [
      'addon configurationValues as a map',
      `${HEAD}addons:\n  - name: coredns\n    configurationValues:\n      computeType: Fargate\n`,
      'cluster.yaml: addons[0].configurationValues: must be a string, not a map',
    ],
    [
      'addon configurationValues that are neither JSON nor YAML',
      `${HEAD}addons:\n  - name: coredns\n    configurationValues: '{"computeType": '\n`,
      'cluster.yaml: addons[0].configurationValues: must be JSON or YAML text',
    ],
    ['managedNodeGroups that is a map', `${HEAD}managedNodeGroups: {ng: {}}\n`, 'cluster.yaml: managedNodeGroups: must be a list, not a map'],
    // What EKS refuses at CreateFargateProfile, after the control plane exists: found before anything starts.
    ...['fp default', 'team/fp', 'fp-😀', '-fp', 'a'.repeat(101)].map((name) => [
      `the profile name ${name.length > 20 ? `of ${name.length} characters` : JSON.stringify(name)}`,
      `${HEAD}fargateProfiles:\n  - name: "${name}"\n    selectors: [{namespace: a}]\n`,
      name.length > 100
        ? 'cluster.yaml: fargateProfiles[0].name: must be at most 100 characters (EKS refuses longer profile names)'
        : 'cluster.yaml: fargateProfiles[0].name: may contain only letters, digits, "-" and "_", starting with a letter or digit (EKS refuses it otherwise)',
    ]),
    [
      'a label key with a space',
      profile('      - namespace: a\n        labels: {"my app": web}\n'),
      'cluster.yaml: fargateProfiles[0].selectors[0].labels["my app"]: is not a valid label key: the name may contain only letters, digits, "-", "_", "." (and the wildcards * and ?), starting and ending with a letter or digit',
    ],
    [
      'a label key whose prefix is no DNS name',
      profile('      - namespace: a\n        labels: {"Example_Org/app": web}\n'),
      /labels\["Example_Org\/app"\]: is not a valid label key: the prefix before "\/" must be a DNS subdomain/,
    ],
    [
      'a label name longer than 63 characters',
      profile(`      - namespace: a\n        labels: {${'k'.repeat(64)}: web}\n`),
      /: is not a valid label key: the name is longer than 63 characters$/,
    ],
    [
      'a label value ending in a dash',
      profile('      - namespace: a\n        labels: {app: web-}\n'),
      /^cluster\.yaml: fargateProfiles\[0\]\.selectors\[0\]\.labels\.app: is not a valid label value: it may contain only /,
    ],
    ['a region in capitals', HEAD.replace('us-west-2', 'US-WEST-2'), 'cluster.yaml: metadata.region: must be an AWS region such as "us-west-2"'],
    ['a region without its number', HEAD.replace('us-west-2', 'us-west'), 'cluster.yaml: metadata.region: must be an AWS region such as "us-west-2"'],
    ['autoModeConfig.enabled as a string', `${HEAD}autoModeConfig:\n  enabled: "true"\n`, 'cluster.yaml: autoModeConfig.enabled: must be true or false, not a string'],
  ] as [string, string, string | RegExp][])('%s', (_name, text, expected) => {
    const message = problem(text);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('an alias bomb, which the yaml library throws for instead of reporting', () => {
    const bomb = readFileSync(new URL('../fixtures/bad/alias-bomb.yaml', import.meta.url), 'utf8');
    expect(problem(bomb)).toBe('cluster.yaml: not valid YAML: Excessive alias count indicates a resource exhaustion attack');
    expect(problem(`${HEAD}${bomb}`)).toBe('cluster.yaml: not valid YAML: Excessive alias count indicates a resource exhaustion attack');
  });

  it('names the first problem and counts the others', () => {
    expect(problem('apiVersion: x\nkind: y\n')).toBe('cluster.yaml: apiVersion: must be eksctl.io/v1alpha5 (and 2 more problems)');
  });
});

describe('parseClusterConfig accepts', () => {
  it('every example', async () => {
    const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const loaded = await loadClusterConfig(join(EXAMPLES, file), captureIo());
      expect(loaded.config).toMatchObject({ kind: 'ClusterConfig', metadata: { name: 'fargate-demo', region: 'us-west-2' } });
    }
  });

  it('fields it does not read, untouched, for eksctl to judge', () => {
    const config = parseClusterConfig(
      `${HEAD}  tags: {team: a}\nvpc:\n  cidr: 10.0.0.0/16\nfargateProfiles:\n  - name: fp\n    podExecutionRoleARN: arn:x\n` +
        `    selectors: [{namespace: a, extra: 1}]\niam:\n  withOIDC: true\n`,
      'c.yaml',
    );
    expect(config['vpc']).toEqual({ cidr: '10.0.0.0/16' });
    expect(config['iam']).toEqual({ withOIDC: true });
    expect(config.metadata['tags']).toEqual({ team: 'a' });
    expect(config.fargateProfiles?.[0]?.['podExecutionRoleARN']).toBe('arn:x');
    expect(config.fargateProfiles?.[0]?.selectors[0]).toEqual({ namespace: 'a', extra: 1 });
  });

  it('versions as eksctl takes them, null lists, a trailing document marker and addons', () => {
    for (const version of ['"1.28"', '"1.31"', 'auto', 'latest']) {
      expect(parseClusterConfig(`${HEAD}  version: ${version}\n`, 'c.yaml').metadata.version).toBe(version.replaceAll('"', ''));
    }
    const config = parseClusterConfig(
      `---\n${HEAD}fargateProfiles:\nnodeGroups:\naddons:\n  - name: coredns\n    version: latest\n` +
        `    configurationValues: '{"computeType":"Fargate"}'\n  - name: vpc-cni\n    configurationValues: |\n      env:\n        A: "1"\n---\n`,
      'c.yaml',
    );
    expect(config.fargateProfiles).toBeNull();
    expect(config.nodeGroups).toBeNull();
    expect(config.addons?.map((addon) => addon.name)).toEqual(['coredns', 'vpc-cni']);
  });

  it('YAML merge keys, as eksctl (go-yaml) reads them', () => {
    const config = parseClusterConfig(
      profile('      - &dns\n        namespace: kube-system\n        labels: {k8s-app: kube-dns}\n      - <<: *dns\n        labels: {app: metrics}\n'),
      'c.yaml',
    );
    expect(config.fargateProfiles?.[0]?.selectors).toEqual([
      { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      { namespace: 'kube-system', labels: { app: 'metrics' } },
    ]);
  });

  it('label keys and values of every Kubernetes form, wildcards anywhere, regions of every partition', () => {
    const labels = '{app.kubernetes.io/name: web, "*.example.com/team": "t?am-*", k8s-app: "", a: "A.b_c-9"}';
    expect(parseClusterConfig(profile(`      - namespace: a\n        labels: ${labels}\n`), 'c.yaml').fargateProfiles?.[0]?.selectors[0]?.labels).toEqual({
      'app.kubernetes.io/name': 'web',
      '*.example.com/team': 't?am-*',
      'k8s-app': '',
      a: 'A.b_c-9',
    });
    for (const region of ['us-gov-west-1', 'cn-northwest-1', 'us-isob-east-1', 'eu-isoe-west-1', 'ap-southeast-7', 'eusc-de-east-1']) {
      expect(parseClusterConfig(HEAD.replace('us-west-2', region), 'c.yaml').metadata.region).toBe(region);
    }
    const name = `fp_${'a'.repeat(97)}`;
    expect(parseClusterConfig(`${HEAD}fargateProfiles:\n  - name: ${name}\n    selectors: [{namespace: a}]\n`, 'c.yaml').fargateProfiles?.[0]?.name).toBe(name);
  });

  it('at most 5 selectors and 5 labels, label values with wildcards', () => {
    const config = parseClusterConfig(
      profile(
        ['a', 'b', 'c', 'd'].map((ns) => `      - namespace: ${ns}\n`).join('') +
          `      - namespace: kube-*\n        labels: {${[1, 2, 3, 4].map((n) => `k${n}: v`).join(', ')}, app: "we?-*"}\n`,
      ),
      'c.yaml',
    );
    expect(config.fargateProfiles?.[0]?.selectors).toHaveLength(5);
    expect(config.fargateProfiles?.[0]?.selectors[4]?.labels).toMatchObject({ app: 'we?-*' });
  });
});

describe('loadClusterConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a path relative to io.cwd and keeps the name the user gave', async () => {
    writeFileSync(join(dir, 'cluster.yaml'), HEAD);
    const loaded = await loadClusterConfig('cluster.yaml', captureIo({ cwd: dir }));
    expect(loaded).toMatchObject({ displayName: 'cluster.yaml', path: join(dir, 'cluster.yaml'), text: HEAD });
    expect(loaded.config.metadata.name).toBe('demo');
  });

  it('reads - from stdin and calls it <stdin>', async () => {
    const loaded = await loadClusterConfig('-', captureIo({ stdin: HEAD }));
    expect(loaded).toMatchObject({ displayName: '<stdin>', path: undefined, text: HEAD });
    await expect(loadClusterConfig('-', captureIo({ stdin: 'kind: x\n' }))).rejects.toThrow(/^<stdin>: apiVersion: is required/);
  });

  it('says a missing file is missing', async () => {
    await expect(loadClusterConfig('nope.yaml', captureIo({ cwd: dir }))).rejects.toThrow(
      new UsageError('nope.yaml: cannot read: no such file'),
    );
  });

  it('says a directory is a directory', async () => {
    await expect(loadClusterConfig('.', captureIo({ cwd: dir }))).rejects.toThrow('.: cannot read: is a directory');
  });

  it('says an unreadable file is unreadable', async () => {
    // Root reads any file whatever its mode, so the mode alone cannot make this test fail for root.
    const file = join(dir, 'secret.yaml');
    writeFileSync(file, HEAD);
    chmodSync(file, 0o000);
    unreadable.add(file);
    await expect(loadClusterConfig(file, captureIo())).rejects.toThrow(`${file}: cannot read: permission denied`);
  });
});

describe('loadClusterConfig caps what it reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A valid config padded with a comment to exactly `bytes` bytes. */
  const configOf = (bytes: number) => `${HEAD}#${'x'.repeat(bytes - HEAD.length - 2)}\n`;

  /** An endless stdin that counts the chunks taken from it. */
  function endlessStdin(chunk: Buffer) {
    let taken = 0;
    const stream = Readable.from(
      (function* () {
        for (;;) {
          taken += 1;
          yield chunk;
        }
      })(),
    );
    return { stream, taken: () => taken };
  }

  it('takes a config of exactly the cap from a file and from stdin', async () => {
    const text = configOf(MAX_CONFIG_BYTES);
    expect(Buffer.byteLength(text)).toBe(MAX_CONFIG_BYTES);
    writeFileSync(join(dir, 'at-cap.yaml'), text);
    await expect(loadClusterConfig('at-cap.yaml', captureIo({ cwd: dir }))).resolves.toMatchObject({ text });
    await expect(loadClusterConfig('-', captureIo({ stdin: text }))).resolves.toMatchObject({ text });
  });

  it('refuses a file one byte over the cap', async () => {
    writeFileSync(join(dir, 'over-cap.yaml'), configOf(MAX_CONFIG_BYTES + 1));
    await expect(loadClusterConfig('over-cap.yaml', captureIo({ cwd: dir }))).rejects.toThrow(
      new UsageError('over-cap.yaml: larger than 4 MiB: not a ClusterConfig'),
    );
  });

  it('refuses a 300 MB file by its size, reading none of it', async () => {
    const path = join(dir, 'huge.yaml');
    writeFileSync(path, HEAD);
    truncateSync(path, 300 * 1024 * 1024);
    await expect(loadClusterConfig('huge.yaml', captureIo({ cwd: dir }))).rejects.toThrow(
      new UsageError('huge.yaml: larger than 4 MiB: not a ClusterConfig'),
    );
    expect(bytesRead.get(path)).toBe(0);
  });

  it.skipIf(!existsSync('/dev/zero'))('stops reading an endless device just past the cap', async () => {
    await expect(loadClusterConfig('/dev/zero', captureIo())).rejects.toThrow(
      new UsageError('/dev/zero: larger than 4 MiB: not a ClusterConfig'),
    );
    expect(bytesRead.get('/dev/zero')).toBeGreaterThan(MAX_CONFIG_BYTES);
    expect(bytesRead.get('/dev/zero')).toBeLessThanOrEqual(MAX_CONFIG_BYTES + 64 * 1024);
  });

  it('stops reading endless stdin just past the cap', async () => {
    const chunk = Buffer.from('a\n'.repeat(32 * 1024));
    const stdin = endlessStdin(chunk);
    const io = { ...captureIo(), stdin: stdin.stream };
    await expect(loadClusterConfig('-', io)).rejects.toThrow(new UsageError('<stdin>: larger than 4 MiB: not a ClusterConfig'));
    // Readable.from reads ahead by a few chunks at most; without the cap it would never return at all.
    expect(stdin.taken()).toBeLessThan(MAX_CONFIG_BYTES / chunk.length + 20);
  });

  it('counts bytes, not characters, from a stdin that gives strings', async () => {
    const stream = Readable.from([HEAD, `#${'é'.repeat(MAX_CONFIG_BYTES / 2)}\n`]);
    await expect(loadClusterConfig('-', { ...captureIo(), stdin: stream })).rejects.toThrow('<stdin>: larger than 4 MiB');
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets and quotes keys that are not plain words', () => {
    expect(formatPath(['fargateProfiles', 1, 'selectors', 0, 'namespace'])).toBe('fargateProfiles[1].selectors[0].namespace');
    expect(formatPath(['labels', 'k8s-app'])).toBe('labels.k8s-app');
    expect(formatPath(['labels', 'eks.amazonaws.com/component'])).toBe('labels["eks.amazonaws.com/component"]');
  });
});
