// Work in flight in this process, for the virtual clock: time may move only while every piece of it is waiting on
// the clock. What counts, at the boundaries we own or can see:
//   - tracked work (`trackWork`): a caller's unit, e.g. the simulated eksctl's whole run or one of its SDK calls, with
//     everything it awaits; it waits on the clock while it sleeps on it (`parkedWhile`);
//   - every HTTP(S) request a client in this process makes (Node's `http.client.request.start` diagnostics channel),
//     from the moment it is sent until it closes, as a child of the tracked work it was made in; a request the
//     simulated API server holds on the clock (a slow webhook) waits on the clock (`parkRequest`);
//   - libuv requests still pending (a connect, a file read, a DNS lookup), which come before a request is sent.
// A piece of work waits on the clock when it is parked, or when it is waiting on children and all of them wait on
// the clock; one that is neither is busy (computing, loading a module, in a real-time retry pause…).
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

export class Work {
  readonly children = new Set<Work>();
  /** Sleeps on the clock, or a server's hold on the clock, in progress. */
  parked = 0;
  constructor(readonly parent: Work | undefined) {}

  waitsOnClock(): boolean {
    for (const child of this.children) if (!child.waitsOnClock()) return false;
    return this.parked > 0 || this.children.size > 0;
  }
}

const current = new AsyncLocalStorage<Work>();
const active = new Set<Work>();
const changed = new Set<() => void>();
/** Bumped by every change of the work in flight, so a waiter can tell that something new happened meanwhile. */
let generation = 0;

function bump(): void {
  generation++;
  for (const listener of [...changed]) listener();
}

export function workGeneration(): number {
  return generation;
}

/** Called after every change of the work in flight (started, ended, parked, unparked) until the returned function. */
export function onWorkChange(listener: () => void): () => void {
  changed.add(listener);
  return () => changed.delete(listener);
}

function begin(parent: Work | undefined): Work {
  const work = new Work(parent && active.has(parent) ? parent : undefined);
  work.parent?.children.add(work);
  active.add(work);
  bump();
  return work;
}

function end(work: Work): void {
  if (!active.delete(work)) return;
  work.parent?.children.delete(work);
  // Children that outlive their parent (work started and not awaited) are on their own now.
  for (const child of work.children) (child as { parent: Work | undefined }).parent = undefined;
  bump();
}

/** Runs `fn` as tracked work (a child of the work it is called in), until what it returns settles. */
export async function trackWork<T>(fn: () => Promise<T>): Promise<T> {
  const work = begin(current.getStore());
  try {
    return await current.run(work, fn);
  } finally {
    end(work);
  }
}

/** The tracked work this code runs in, if any. */
export function currentWork(): Work | undefined {
  const work = current.getStore();
  return work && active.has(work) ? work : undefined;
}

/** `work` waits on the clock until `waiting` settles. */
export function parkedWhile<T>(work: Work | undefined, waiting: Promise<T>): Promise<T> {
  if (!work) return waiting;
  work.parked++;
  bump();
  return waiting.finally(() => {
    work.parked--;
    bump();
  });
}

/** True while some work in flight is not waiting on the clock. */
export function workBusy(): boolean {
  for (const work of active) if (!work.parent && !work.waitsOnClock()) return true;
  return false;
}

// ── HTTP requests ───────────────────────────────────────────────────────────────────────────────────────────────

/** Each sent request by its socket's local port: the simulated server finds the request it answers by the remote one. */
const requestsByPort = new Map<number, Work>();
let watchers = 0;

function onRequestStart(message: unknown): void {
  const request = (message as { request: ClientRequest }).request;
  // A watch is a long poll: open for minutes by design, it is waiting, not work.
  if (/[?&]watch=(true|1)(&|$)/.test(request.path)) return;
  const work = begin(current.getStore());
  const port = request.socket?.localPort;
  if (port !== undefined) requestsByPort.set(port, work);
  request.once('close', () => {
    if (port !== undefined && requestsByPort.get(port) === work) requestsByPort.delete(port);
    end(work);
  });
}

/** Counts this process's HTTP requests as work until the returned function is called (once per virtual clock). */
export function watchRequests(): () => void {
  if (watchers++ === 0) subscribe('http.client.request.start', onRequestStart);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (--watchers === 0) unsubscribe('http.client.request.start', onRequestStart);
  };
}

/** The client's request that a server in this process is answering, if it was sent from this process. */
export function requestWork(incoming: IncomingMessage): Work | undefined {
  const port = incoming.socket.remotePort;
  return port === undefined ? undefined : requestsByPort.get(port);
}

// ── libuv requests ──────────────────────────────────────────────────────────────────────────────────────────────

/**
 * What process.getActiveResourcesInfo() names a libuv request by while it is pending: each ends on its own and then
 * runs a callback (a connection made, a file read). Handles (sockets, servers, timers) are not requests: they stay.
 */
const PENDING_REQUESTS = new Set([
  'ConnectWrap',
  'FSReqCallback',
  'FSReqPromise',
  'FileHandleCloseReq',
  'CloseReq',
  'GetAddrInfoReqWrap',
  'GetNameInfoReqWrap',
  'QueryReqWrap',
  'WriteWrap',
  'ShutdownWrap',
  'SendWrap',
]);

export function ioPending(): boolean {
  return process.getActiveResourcesInfo().some((name) => PENDING_REQUESTS.has(name));
}
