// One way to run a background pass now and then again and again until the process stops: the
// workflow starter, the signal outbox drain and the housekeeping sweeps. Each pass starts `everyMs`
// after the previous one ended (never two at once), the timer does not keep the process alive, and
// stop() waits for a pass in progress, so it is never cut off when the connections close.
export interface Repeating {
  stop(): Promise<void>;
}

/** `pass` handles (logs) its own failures; one that throws anyway is tried again at the next interval. */
export function repeatEvery(everyMs: number, pass: () => Promise<unknown>): Repeating {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const run = (): void => {
    running = pass()
      .catch(() => undefined)
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(run, everyMs);
        timer.unref();
      });
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
