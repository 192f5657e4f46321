// Endpoints that misbehave, on loopback only, and whether a process a test started is still there.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';

/** Accepts connections and never says a word: the endpoint that holds a request without deadlines for ever. */
export async function silentServer(): Promise<{ host: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (taken and given back). */
export async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/**
 * What a script wrote to `file` as the pid of a child it started: undefined when it never got that far (a plugin
 * killed before it started its child leaves no child either).
 */
export function pidWritten(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return pid > 0 ? pid : undefined;
}

/** Whether `pid` is a live process (a zombie, killed and not yet reaped, is not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readStat(pid).startsWith('Z');
  } catch {
    return false;
  }
}

/** /proc/PID/stat from the state on: the field after the command, which is in parentheses and may hold spaces. */
function readStat(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2);
}
