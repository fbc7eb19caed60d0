// Bugs the simulator found, kept as scenarios (scenarios/regressions) so they stay fixed.
import { brief, exampleScenario, shifted, shiftFor, simulate } from '../support/scenarios';

test('R-RENEW-1 before R-RENEW-3: asked before the window while another patron waits → refused for the waiting patron, both times', async () => {
  const raw = exampleScenario('regressions/renew-early-while-others-wait.json');
  const t = await simulate(shifted(raw, shiftFor(raw)));
  expect(t.reservations.R1!.requests.filter((r) => r.do === 'renew').map(brief)).toEqual([
    ['renew', 'rejected', 'R-RENEW-1'],
    ['renew', 'rejected', 'R-RENEW-1'],
  ]);
}, 120_000);

test('R-RETURN-4: a copy handed back at a cooperating library cannot be renewed while it travels back', async () => {
  const raw = exampleScenario('regressions/renew-after-return-at-cooperating-library.json');
  const t = await simulate(shifted(raw, shiftFor(raw)));
  const renew = t.reservations.R1!.requests.find((r) => r.do === 'renew')!;
  expect(renew.result).toBe('rejected');
  expect(t.reservations.R1!.dates.due).not.toBe(undefined);
  const due = t.reservations.R1!.dates.due;
  const returned = t.reservations.R1!.requests.find((r) => r.do === 'returnAt');
  expect(returned?.result).toBe('accepted');
  expect(due).toBe(shiftFor(raw).day('2027-03-21'));
}, 120_000);
