// Replays recorded histories (test/fixtures/histories: central pickup, cooperating pickup with
// renewals, failed dispatches, Thursday processing before and after its catch-up, the notices'
// timers and owed notices after their patches; `*.v2.json` the second generation, R-SCALE-5) against today's
// workflow code. A change that would break workflows already running — a different command order, a
// removed timer — fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { installQuietRuntime, workflowBundle } from '../../src/infra/temporal-runtime';
import { HISTORIES_DIR } from '../support/histories';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string) => ({
  workflowId: file.replace(/\.json$/, ''),
  history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'))),
});

beforeAll(() => installQuietRuntime());

test('there is a recorded history for each path: central pickup, cooperating pickup with renewals, failed dispatches', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'central-pickup-returned.json',
      'cooperating-pickup-renewed-twice.json',
      'failed-dispatch-three-times-released.json',
      'failed-dispatch-moved-down-twice.json',
      'thursday-processing-two-runs.json', // recorded before the catch-up (patched) and the settings signal
      'thursday-processing-caught-up-rescheduled.json', // after: the catch-up's marker, a settings signal cutting a wait short
      'central-pickup-notices-renewed-overdue.json', // the notices' patches: PRE_DUE twice (renewed), OVERDUE
      'failed-dispatch-notices-released.json', // DISPATCH_FAILED owed by the Thursday signal, RELEASED at the end
      'cooperating-return-reported-late.json', // R-RETURN-5's patch (return-how-and-when): refused and accepted returns with via and returnedOn
      // R-SCALE-5: the second generation (reservationV2), recorded by the same tests
      'central-pickup-from-queue-returned.v2.json',
      'central-pickup-notices-renewed-overdue.v2.json',
      'cooperating-pickup-after-others-failed.v2.json',
      'failed-dispatch-moved-down-twice.v2.json',
      'failed-dispatch-notices-released.v2.json',
    ]),
  );
});

test('R-SCALE-5: a second-generation history has no patch marker and no search-attribute upsert, and asks for its copy by local activity', () => {
  for (const file of files.filter((f) => f.endsWith('.v2.json'))) {
    const events = load(file).history.events ?? [];
    expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('reservationV2');
    const markers = events.flatMap((e) => (e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes.markerName] : []));
    expect(markers).not.toContain('core_patch');
    expect(markers).toContain('core_local_activity'); // secureOrQueue
    expect(events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toEqual([]);
    const scheduled = events.flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : [],
    );
    expect(scheduled).not.toContain('secureOrQueue');
  }
});

test.each(files)(
  '%s replays without a determinism error',
  async (file) => {
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, load(file).history, load(file).workflowId);
  },
  60_000,
);

test('a changed workflow does not replay: the check would catch a breaking change', async () => {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const noop = (): void => undefined;
  const changed = await bundleWorkflowCode({
    workflowsPath: require.resolve('../fixtures/workflows/reservation-changed'),
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop },
  });
  await expect(Worker.runReplayHistory({ workflowBundle: changed }, load('central-pickup-returned.json').history, 'changed')).rejects.toThrow(
    /[Nn]ondetermin|DeterminismViolation/,
  );
}, 60_000);
