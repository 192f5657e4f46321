// Endpoints that misbehave, on loopback only, and whether a process a test started is still there.
import { readFileSync } from 'node:fs';
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
