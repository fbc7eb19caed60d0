/**
 * The core is imported by Temporal workflow code, which must replay deterministically: no clock, no
 * randomness, no I/O, no dependency on the machine's time zone. These tests hold it to that.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import * as domain from '../../src/domain';
import { d, jst } from './independent-dates';

const domainDir = resolve(__dirname, '../../src/domain');
const sources = readdirSync(domainDir)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => ({ file, text: readFileSync(join(domainDir, file), 'utf8') }));

describe('src/domain stays pure', () => {
  test('there is source to check', () => {
    expect(sources.map((s) => s.file)).toEqual(expect.arrayContaining(['calendar.ts', 'rules.ts', 'local-date.ts']));
  });

  const forbidden: [string, RegExp][] = [
    ['imports outside src/domain', /from\s+'(?!\.\/)[^']*'|require\(/],
    ['clock reads', /Date\.now\(|new Date\(\)|performance\.now/],
    ['randomness', /Math\.random|crypto/],
    ['the machine’s time zone', /\.get(FullYear|Month|Date|Day|Hours|Minutes|Seconds|Milliseconds|TimezoneOffset)\(|toLocale|Intl\./],
    ['process and console', /\bprocess\.|\bconsole\./],
  ];
  test.each(forbidden)('no %s', (_what, pattern) => {
    const offenders = sources.filter((s) => pattern.test(s.text)).map((s) => s.file);
    expect(offenders).toEqual([]);
  });

  test('the answers do not depend on the TZ environment variable', () => {
    const compute = (): unknown => [
      domain.formatJst(domain.nextProcessing(jst('2026-12-03', '09:59'))),
      domain.jstDateOf(new Date('2026-12-01T15:30:00Z')),
      domain.coopDates(d('2026-12-03')),
      domain.weekday(d('2026-12-06')),
      domain.startOfJstDay(d('2026-12-03')).toISOString(),
      domain.checkRenewal({ due: d('2026-12-20'), today: d('2026-12-16'), renewalsUsed: 0, othersWaiting: false, channel: 'opac' }),
    ];
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const inUtc = compute();
      for (const zone of ['Asia/Tokyo', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/London']) {
        process.env.TZ = zone;
        expect(compute()).toEqual(inUtc);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('refusals are data', () => {
  test('a refusal cannot be altered by the caller that shows it', () => {
    const outcome = domain.checkReservationLimit(20);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(Object.isFrozen(outcome.refusal)).toBe(true);
  });

  test('every refusal carries a rule id, Japanese and English', () => {
    const refusals = [
      domain.checkReservationLimit(20),
      domain.checkLoanLimitChange(11),
      domain.checkCancel({ status: 'SECURED', by: 'patron' }),
      domain.checkRequestable({ materialType: '雑誌', copies: [] }),
    ];
    for (const outcome of refusals) {
      expect(outcome.ok).toBe(false);
      if (outcome.ok) continue;
      expect(domain.RULE_IDS).toContain(outcome.refusal.rule);
      expect(outcome.refusal.ja).toMatch(/[ぁ-んァ-ン一-龯]/u);
      expect(outcome.refusal.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  // The project's copy of the spec (docs/spec.md, from shared/spec/online-lending.md).
  const specPath = resolve(__dirname, '../../docs/spec.md');
  test('RULE_IDS lists exactly the rule ids of the spec', () => {
    const inSpec = new Set(readFileSync(specPath, 'utf8').match(/\bR-[A-Z]+-\d+\b/g) ?? []);
    expect([...domain.RULE_IDS].sort()).toEqual([...inSpec].sort());
  });
});
