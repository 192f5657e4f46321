// Taking safe-eksctl's own options out of an eksctl `create` command line: every other word stays, in order.
import { describe, expect, it } from 'vitest';
import { createCommandOf, splitCreateArgv } from '../../src/commands/create-argv.js';
import { UsageError } from '../../src/errors.js';

describe('splitCreateArgv', () => {
  it.each([
    // eksctl's --verbose takes a number; ours is --more-lines.
    [['create', 'cluster', '--verbose', '4', '--more-lines'], { moreLines: true }, ['--verbose', '4']],
    [['create', 'cluster', '-v', '4', '--name', 'x'], {}, ['-v', '4', '--name', 'x']],
    // Values that look like our options stay eksctl's: `--name --force` names the cluster "--force".
    [['create', 'cluster', '--name', '--force'], {}, ['--name', '--force']],
    [['create', 'cluster', '--fargate', '--poll-interval=2', '-C', 'false'], { pollInterval: '2' }, ['--fargate', '-C', 'false']],
    [['create', '-f', 'c.yaml', '-o', 'json', '--timeout', '40m', '--no-heal'], { output: 'json', heal: false }, ['-f', 'c.yaml', '--timeout', '40m']],
    [['create', 'cluster', '-ojson', '--kubeconfig', 'kc', '--context', 'ctx'], { output: 'json', context: 'ctx' }, ['--kubeconfig', 'kc']],
    // After `--` everything is eksctl's, and the `--` goes.
    [['create', 'cluster', '-f', 'c.yaml', '--', '--without-nodegroup', '--force'], {}, ['-f', 'c.yaml', '--without-nodegroup', '--force']],
    [['--eksctl', '/e', 'create', 'cluster', '-PN', '3'], { eksctl: '/e' }, ['-PN', '3']],
    [['-v', '4', 'create', 'cluster', 'my-cluster'], {}, ['-v', '4', 'my-cluster']],
    [['create', 'cluster', '--eksctl-verbosity', '5'], { eksctlVerbosity: '5' }, ['--verbose', '5']],
    [['create', 'cluster', '--workloads=false', '--force=true'], { workloads: false, force: true }, []],
    [['create', 'fargateprofile', '--cluster', 'c', '--kubeconfig', 'kc', '-l', 'a=b'], { kubeconfig: 'kc' }, ['--cluster', 'c', '-l', 'a=b']],
  ])('%j → ours %j, eksctl %j', (argv, own, eksctl) => {
    const split = splitCreateArgv(argv);
    expect(split.own).toEqual(own);
    expect(split.eksctlArgs).toEqual(eksctl);
  });

  it.each([
    [['create', 'cluster', '--poll-interval'], "option '--poll-interval <seconds>' argument missing (see safe-eksctl create cluster --help)"],
    [['create', 'cluster', '-o', 'xml'], "option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are text, json. (see safe-eksctl create cluster --help)"],
    [['create', 'cluster', '-Po', 'json'], '-o: write safe-eksctl\'s own -o as a word of its own, not inside -Po (see safe-eksctl create cluster --help)'],
    [['create', 'cluster', '--force=maybe'], "option '--force' takes no value other than true or false, not 'maybe' (see safe-eksctl create cluster --help)"],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => splitCreateArgv(argv)).toThrow(new UsageError(message));
  });
});

describe('createCommandOf', () => {
  it.each([
    [['create', 'cluster'], 'cluster'],
    [['create', '--name', 'fargateprofile', 'cluster'], 'cluster'],
    [['create', '-f', 'c.yaml'], 'cluster'],
    [['create', 'fargateprofile', '--cluster', 'c'], 'fargateprofile'],
    [['create', 'nodegroup', '-f', 'c.yaml'], undefined],
    [['create'], undefined],
    [['create', '--', 'cluster'], undefined],
  ])('%j → %s', (argv, command) => {
    expect(createCommandOf(argv)?.command).toBe(command);
  });
});
