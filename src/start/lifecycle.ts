// Start-up and shutdown of `npm start`: what was started is stopped in the reverse order, once, on
// Ctrl-C / SIGTERM / SIGHUP or when a part stops by itself.
//
// Signals arrive more than once for one Ctrl-C: the terminal sends SIGINT to npm, tsx and node alike,
// and npm and tsx relay it to their child as well. So signals within a few seconds of the first are the
// same request; one that comes later means "stop now" and exits at once (the exit hook of
// src/infra/managed-process.ts still kills the servers).
export class Lifecycle {
  private readonly stack: { name: string; stop: () => Promise<void> | void }[] = [];
  private stopRequest?: { reason: string; exitCode: number };
  private wake!: () => void;
  private readonly requested = new Promise<void>((resolve) => (this.wake = resolve));
  private firstSignalAt = 0;
  private readonly abort = new AbortController();

  constructor(private readonly log: (line: string) => void) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => this.onSignal(signal));
  }

  /** Aborted when a stop is requested (for long start-up steps: building the Temporal CLI). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopping(): boolean {
    return this.stopRequest !== undefined;
  }

  /** Resolves once a stop has been requested. */
  get stopRequested(): Promise<void> {
    return this.requested;
  }

  /** Register how to stop something just started; stops run last-registered first. */
  onStop(name: string, stop: () => Promise<void> | void): void {
    this.stack.push({ name, stop });
  }

  /** If `running` settles while we are not stopping, it stopped by itself: stop the rest, exit 1. */
  watch(name: string, running: Promise<unknown>): void {
    running.then(
      () => !this.stopping && this.requestStop(`${name} stopped by itself`, 1),
      (err: unknown) => !this.stopping && this.requestStop(`${name} failed: ${err instanceof Error ? err.message : String(err)}`, 1),
    );
  }

  requestStop(reason: string, exitCode: number): void {
    if (this.stopRequest) return;
    this.stopRequest = { reason, exitCode };
    this.abort.abort();
    this.wake();
  }

  /** Stops everything registered, in reverse order; returns the exit code for the process. */
  async stopAll(): Promise<number> {
    const request = this.stopRequest ?? { reason: 'start-up failed', exitCode: 1 };
    this.stopRequest ??= request;
    this.log(`stopping (${request.reason})…`);
    const started = Date.now();
    let failed = false;
    for (const { name, stop } of this.stack.splice(0).reverse()) {
      const t = Date.now();
      try {
        await stop();
        this.log(`stopped ${name} (${Date.now() - t} ms)`);
      } catch (err) {
        failed = true;
        this.log(`stopping ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.log(`stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return failed && request.exitCode === 0 ? 1 : request.exitCode;
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (!this.stopRequest) {
      this.firstSignalAt = Date.now();
      this.requestStop(signal, 0);
      return;
    }
    if (Date.now() - this.firstSignalAt < 3_000) return; // the same Ctrl-C, relayed by npm and tsx
    this.log(`${signal} again: stopping at once, without waiting for the worker and the API to finish`);
    process.exit(130);
  }
}
