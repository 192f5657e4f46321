// The shapes a fault's value takes (a rate, seconds, a name, …): how each is spelled in help, read from a `--fault`
// spec and written back into one. The fault table (./faults.ts) gives every fault one of these, so the parser, the
// printer and the `Faults` type all follow from the table.

export interface FaultKind<T> {
  /** How the value is written in help: `RATE`, `SECONDS`, `NAME`…; '' for a fault that takes none. */
  spelling: string;
  /** A value it takes (`undefined`: the name alone), for the table's own tests. */
  example: string | undefined;
  /** The value while the fault is not given (a fresh one each call: lists are filled in place by later specs). */
  none(): T;
  /** One spec's value (`undefined` for the name alone) onto what earlier specs gave; `bad(why)` for a value it refuses. */
  read(value: string | undefined, before: T, bad: (why: string) => Error, name: string): T;
  /** The specs that give this value back; none while it is the kind's `none`. */
  write(name: string, value: T): string[];
}

/** A share (0–1) of calls that fail; the name alone is 1. */
export const rate: FaultKind<number> = {
  spelling: 'RATE',
  example: '0.25',
  none: () => 0,
  read(value, _before, bad) {
    const n = Number(value ?? '1');
    if (!Number.isFinite(n) || n < 0 || n > 1) throw bad('RATE must be a number from 0 to 1');
    return n;
  },
  write: (name, value) => (value > 0 ? [`${name}=${value}`] : []),
};

/** Simulated seconds. */
export const seconds: FaultKind<number | undefined> = {
  spelling: 'SECONDS',
  example: '30',
  none: () => undefined,
  read(value, _before, bad) {
    const n = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(n) || n < 0) throw bad('SECONDS must be a number ≥ 0');
    return n;
  },
  write: (name, value) => (value !== undefined ? [`${name}=${value}`] : []),
};

/** On or off: the name alone. */
export const flag: FaultKind<boolean> = {
  spelling: '',
  example: undefined,
  none: () => false,
  read(value, _before, bad) {
    if (value !== undefined) throw bad('takes no value');
    return true;
  },
  write: (name, value) => (value ? [name] : []),
};

/** Names of things (profiles…), one per spec: the fault repeats. */
export function names(spelling: string, what: string): FaultKind<string[]> {
  return {
    spelling,
    example: 'fp-example',
    none: () => [],
    read(value, before, bad, name) {
      if (!value) throw bad(`needs ${what}: ${name}=${spelling}`);
      return [...before, value];
    },
    write: (name, value) => value.map((v) => `${name}=${v}`),
  };
}

/** One of a known list per spec (EKS operations…): the fault repeats. */
export function namesFrom(spelling: string, choices: readonly string[]): FaultKind<string[]> {
  return {
    spelling,
    example: choices[0],
    none: () => [],
    read(value, before, bad) {
      if (!value || !choices.includes(value)) throw bad(`${spelling} must be one of ${choices.join(', ')}`);
      return [...before, value];
    },
    write: (name, value) => value.map((v) => `${name}=${v}`),
  };
}

/** One status code of a few, each with its meaning in the refusal. */
export function codeOf<C extends number>(codes: readonly C[], refusal: string): FaultKind<C | undefined> {
  return {
    spelling: codes.join('|'),
    example: String(codes[0]),
    none: () => undefined,
    read(value, _before, bad) {
      const code = codes.find((c) => String(c) === value);
      if (code === undefined) throw bad(refusal);
      return code;
    },
    write: (name, value) => (value !== undefined ? [`${name}=${value}`] : []),
  };
}

/** An exit code and the phase it comes at (`CODE@PHASE`; the code alone is at the first phase, nothing at all is 1). */
export function exitAtPhase<P extends string>(phases: readonly P[]): FaultKind<{ code: number; phase: P } | undefined> {
  return {
    spelling: 'CODE[@PHASE]',
    example: `3@${phases.at(-1)}`,
    none: () => undefined,
    read(value, _before, bad) {
      const [codeText, phase = phases[0]] = (value ?? '1').split('@');
      const code = Number(codeText);
      if (!Number.isInteger(code) || code < 0 || code > 255) throw bad('CODE must be an integer 0–255');
      if (!(phases as readonly (string | undefined)[]).includes(phase)) throw bad(`PHASE must be one of ${phases.join(', ')}`);
      return { code, phase: phase as P };
    },
    write: (name, value) => (value ? [`${name}=${value.code}@${value.phase}`] : []),
  };
}
