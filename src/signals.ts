// The signals that ask a run to stop: Ctrl-C, a kill, and the terminal going away (SIGHUP, an ssh session dropped).
// Each is handled the same way: eksctl is stopped and waited for, temporary files go, and the report says so.

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Calls `handler` on each stop signal until the returned function is called. */
export function onStopSignals(handler: () => void): () => void {
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
}
