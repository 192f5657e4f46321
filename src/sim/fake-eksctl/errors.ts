// eksctl reports every failure as one `Error: <message>` line on stderr and exits 1; an `eksctl-exit` fault picks
// another code.

export class EksctlError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'EksctlError';
  }
}
