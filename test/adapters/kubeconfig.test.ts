// The kubeconfig checks that need no cluster: which servers are the same, and what a KUBECONFIG of several files
// selects. The bad files and flags end to end are in the bad-input corpus.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertReachesCluster, checkKubeconfigBeforeEksctl, openKubeconfig, sameServer } from '../../src/adapters/kubeconfig.js';
import { UsageError } from '../../src/errors.js';

describe('sameServer', () => {
  it('ignores host case, a default port and a trailing slash', () => {
    expect(sameServer('https://ABC.gr7.us-west-2.eks.amazonaws.com:443/', 'https://abc.gr7.us-west-2.eks.amazonaws.com')).toBe(true);
    expect(sameServer('https://127.0.0.1:6443', 'https://127.0.0.1:6443/')).toBe(true);
  });

  it('tells another host, port, scheme or path apart, and never matches what is not a URL', () => {
    expect(sameServer('https://abc.eks.amazonaws.com', 'https://abd.eks.amazonaws.com')).toBe(false);
    expect(sameServer('https://127.0.0.1:6443', 'https://127.0.0.1:6444')).toBe(false);
    expect(sameServer('http://127.0.0.1:443', 'https://127.0.0.1:443')).toBe(false);
    expect(sameServer('https://proxy/k8s/c2', 'https://proxy/k8s/c4')).toBe(false);
    expect(sameServer('not a url', 'not a url')).toBe(false);
  });
});

describe('openKubeconfig', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function file(name: string, contexts: string[], current?: string): string {
    dir ??= mkdtempSync(join(tmpdir(), 'safe-eksctl-kubeconfig-unit-'));
    const path = join(dir, name);
    const lines = ['apiVersion: v1', 'kind: Config', 'clusters:', 'users:', 'contexts:'];
    for (const c of contexts) {
      lines.splice(lines.indexOf('users:'), 0, `- name: ${c}\n  cluster:\n    server: https://${c}.example:443`);
      lines.splice(lines.indexOf('contexts:'), 0, `- name: ${c}\n  user:\n    token: t`);
      lines.push(`- name: ${c}\n  context:\n    cluster: ${c}\n    user: ${c}`);
    }
    if (current) lines.push(`current-context: ${current}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('merges KUBECONFIG files as kubectl does: the first current-context wins, a later file adds contexts', () => {
    const a = file('a', ['c2'], 'c2');
    const b = file('b', ['c4'], 'c4');
    const opened = openKubeconfig({}, { KUBECONFIG: `${a}:${b}` }, '/');
    expect(opened).toMatchObject({ context: 'c2', server: 'https://c2.example:443' });
    expect(openKubeconfig({ context: 'c4' }, { KUBECONFIG: `${a}:${b}` }, '/').server).toBe('https://c4.example:443');
  });

  it('a file without current-context needs --context; a relative --kubeconfig is relative to the working directory', () => {
    file('none', ['c2']);
    expect(() => openKubeconfig({ kubeconfig: 'none' }, {}, dir!)).toThrow(new UsageError('--kubeconfig none: no current-context (pass --context NAME)'));
    expect(openKubeconfig({ kubeconfig: 'none', context: 'c2' }, {}, dir!).context).toBe('c2');
  });

  it('refuses a context that reaches another server, naming both', () => {
    const opened = openKubeconfig({ kubeconfig: file('c4', ['c4'], 'c4') }, {}, '/');
    expect(() => assertReachesCluster(opened, 'c2', 'https://c2.example')).toThrow(
      `--kubeconfig ${join(dir!, 'c4')}: context c4 reaches https://c4.example:443, but cluster c2's endpoint is https://c2.example`,
    );
    expect(() => assertReachesCluster(opened, 'c4', 'https://C4.example/')).not.toThrow();
  });

  it('before eksctl, a missing --kubeconfig is fine (eksctl writes it) but a directory is not', () => {
    dir ??= mkdtempSync(join(tmpdir(), 'safe-eksctl-kubeconfig-unit-'));
    expect(() => checkKubeconfigBeforeEksctl('new-file', dir!)).not.toThrow();
    expect(() => checkKubeconfigBeforeEksctl('.', dir!)).toThrow(new UsageError('--kubeconfig .: is a directory, not a kubeconfig file'));
  });
});
