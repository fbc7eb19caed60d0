// The staff console end to end: Debian's Chromium (playwright-core) against the real service in this
// process — the API harness's app on a loopback port, real PostgreSQL, real workflows on the
// time-skipping Temporal server, the SendGrid client on the mail sink. Each page is checked with
// axe-core (no serious or critical violation) and screenshotted into test-output/console.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiHarness, HARNESS_STAFF, STAFF_PASSWORD } from '../support/api-harness';
import { describeInBrowser, launchChromium, pdfToPngs, screenshot, seriousViolations } from '../support/browser';
import { weekShift, type WeekShift } from '../support/week-shift';

const RESERVE = '/opac/patrons/{cardNumber}/reservations';
const R = '/staff/reservations/{reservationId}';

describeInBrowser('staff console (Chromium)', () => {
  let a: ApiHarness;
  let w: WeekShift;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const outside: string[] = [];

  /** Every page: no serious or critical axe-core violation, and a screenshot. */
  async function check(name: string): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, name);
  }

  beforeAll(async () => {
    a = await ApiHarness.start({ pulling: 'manual', thursday: false }); // Thursday is run by hand, from the console
    w = weekShift('2026-12-01T09:00', await a.h.now());
    await a.staffToken('counter'); // the account T-COUNTER, its password changed
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
    // Nothing a page asks for may leave the machine: only the service itself.
    context.on('request', (req) => {
      if (!req.url().startsWith(a.baseUrl) && !req.url().startsWith('data:')) outside.push(req.url());
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await a?.stop();
  });
  afterEach(() => {
    expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
    expect(outside).toEqual([]);
  });

  test('signed out: the sign-in page and nothing of any patron; a form from elsewhere is refused', async () => {
    await a.patron('C0009', { name: '秘密 花子' });
    const bare = await fetch(`${a.baseUrl}/console/counter?card=C0009`, { redirect: 'manual' });
    expect(bare.status).toBe(303);
    expect(bare.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fcounter');
    expect(await bare.text()).not.toContain('C0009');
    for (const p of ['/console/patrons/C0009', '/console/search?card=C0009', '/console/pull-list', '/console/reservations/x']) {
      const r = await fetch(`${a.baseUrl}${p}`, { redirect: 'manual' });
      expect([r.status, r.headers.get('location')?.startsWith('/console/sign-in')]).toEqual([303, true]);
    }
    // A POST without the session's token (another site's form) changes nothing.
    const token = await a.staffToken('counter');
    const forged = await fetch(`${a.baseUrl}/console/counter/check-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `console_session=${token}` },
      body: 'item=X',
    });
    expect(forged.status).toBe(303); // no sealed "who" with a bare token: signed out
    const crossSite = await fetch(`${a.baseUrl}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'staffNumber=T-COUNTER&password=x',
    });
    expect(crossSite.status).toBe(403);

    await page.goto(`${a.baseUrl}/console/counter?card=C0009`);
    expect(await page.locator('h1').textContent()).toBe('サインイン');
    expect(await page.content()).not.toContain('秘密');
    await check('01-sign-in');
  });

  test('sign in with the staff account; a wrong password is refused as the API words it', async () => {
    await page.fill('#staffNumber', HARNESS_STAFF.counter.staffNumber);
    await page.fill('#password', 'wrong-password-1');
    await page.press('#password', 'Enter');
    await page.waitForSelector('.notice.refused');
    expect(await page.locator('.notice.refused').textContent()).toContain('職員番号またはパスワードが正しくありません');
    await page.fill('#password', STAFF_PASSWORD);
    await page.press('#password', 'Enter');
    await page.waitForURL('**/console/counter');
    expect(await page.locator('form.who').textContent()).toContain(HARNESS_STAFF.counter.name);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'console_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('card');
    await check('02-counter-empty');
  });

  let reservationId: string;

  test('R-STATUS-1: a reservation placed by the OPAC shows on the pull list; the scan makes it 貸出可能 and sends the notice', async () => {
    await a.patron('C0001', { name: '青森 太郎' });
    await a.h.title('T-C1', '津軽', [{ item: 'C1-1' }]);
    await a.h.db.item.update({ where: { itemNumber: 'C1-1' }, data: { callNumber: '913.6/ダザ', shelfLocation: '2階 一般開架' } });
    await a.h.advanceTo(w.at('2026-12-01T10:00'));
    const placed = await a.post(RESERVE, 'opac', { cardNumber: 'C0001' }, { titleId: 'T-C1', pickup: 'pref' });
    expect(placed.status).toBe(201);
    reservationId = placed.body.reservationId;
    await a.h.advanceTo(w.at('2026-12-01T10:06'));

    await page.click('nav >> text=取置作業');
    await page.waitForURL('**/console/pull-list');
    const row = page.locator('section[aria-labelledby="list-h"] tr', { hasText: 'C1-1' });
    expect(await row.textContent()).toContain('津軽');
    expect(await row.textContent()).toContain('913.6/ダザ');
    await check('03-pull-list');

    const mailsBefore = a.h.mail.received.length;
    await page.fill('#pull-item', 'C1-1'); // the scanner types the number and Enter
    await page.press('#pull-item', 'Enter');
    await page.waitForSelector('.slip');
    expect(await page.locator('.notice.done').textContent()).toContain('貸出可能');
    expect(await page.locator('.slip').textContent()).toContain('C0001');
    await check('04-pull-list-scanned');
    await a.h.settle();
    expect((await a.get(R, 'staff', { reservationId })).body).toMatchObject({ status: 'READY' });
    const notice = a.h.mail.received.slice(mailsBefore).find((m) => m.body.personalizations[0]!.to[0]!.email === 'C0001@example.jp');
    expect(notice?.body.subject).toContain('貸出');
    expect(await page.locator('section[aria-labelledby="list-h"] tr', { hasText: 'C1-1' }).count()).toBe(0);
    expect(await page.locator('section[aria-labelledby="held-h"] tr', { hasText: 'C1-1' }).textContent()).toContain('C0001'); // on the hold shelf
  });

  test('R-PREF-4: the counter lends the 貸出可能 copy only with the card shown (the tick), from the keyboard alone', async () => {
    await page.click('nav >> text=カウンター');
    await page.waitForURL('**/console/counter');
    // The card field has the focus (autofocus): typed once the page has given it, not into the page before.
    await page.waitForFunction('document.activeElement !== null && document.activeElement.hasAttribute("data-scan")');
    await page.keyboard.type('C0001');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#patron-h');
    expect(await page.locator('#patron-h').textContent()).toContain('青森 太郎');
    const reservation = page.locator('tr', { hasText: '津軽' });
    expect(await reservation.textContent()).toContain('貸出可能');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('lend-item');
    await check('05-counter-patron');

    // Without the tick: refused with the rule.
    await page.keyboard.type('C1-1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.notice.refused');
    expect(await page.locator('.notice.refused').textContent()).toContain('R-PREF-4');
    // The tick from the keyboard (Shift+Tab to it, Space), then the scan.
    await page.focus('#lend-item');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('C1-1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.notice.done');
    expect(await page.locator('.notice.done').textContent()).toContain('貸し出しました');
    expect((await a.get(R, 'staff', { reservationId })).body).toMatchObject({ status: 'ON_LOAN' });
    expect(await page.locator('.slip').textContent()).toContain('返却期限'); // 貸出票 (R-PREF-4: the due date on the loan slip)
    expect(await page.locator('section[aria-labelledby="loans-h"]').textContent()).toContain('C1-1');
    await check('06-counter-lent');
  });

  test('R-RENEW-3: a renewal refused at the counter shows its rule and message', async () => {
    const row = page.locator('section[aria-labelledby="loans-h"] tr', { hasText: 'C1-1' });
    expect(await row.textContent()).toContain('R-RENEW-3'); // why not, before asking
    await row.locator('button', { hasText: '延長' }).click();
    await page.waitForSelector('.notice.refused');
    const refusal = await page.locator('.notice.refused').textContent();
    expect(refusal).toContain('R-RENEW-3');
    expect(refusal).toContain('できません');
    await check('07-counter-renewal-refused');
  });

  test('R-CANCEL-3: a check-in of a copy someone waits for says so and gives the hold slip', async () => {
    await a.patron('C0002', { name: '弘前 花子' });
    const placed = await a.post(RESERVE, 'opac', { cardNumber: 'C0002' }, { titleId: 'T-C1', pickup: 'pref' });
    expect(placed.status).toBe(201);
    await a.h.advanceTo(w.at('2026-12-02T10:00'));
    await page.fill('#checkin-item', 'C1-1');
    await page.press('#checkin-item', 'Enter');
    await page.waitForSelector('.slip');
    expect(await page.locator('.notice.done').textContent()).toContain('取置棚');
    expect(await page.locator('.slip').textContent()).toContain('C0002');
    await check('08-counter-check-in-slip');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, '09-hold-slip-print');
    await page.emulateMedia({ media: null });
  });

  test('R-COOP-2: a Thursday with two cooperating libraries: the preview, the run, one bag label per patron and a transit slip per library', async () => {
    // Three patrons, two libraries: C0101 has two copies for coop:30 — one bag —, C0102 one for the same
    // library, C0103 one for another (coop:12).
    for (const card of ['C0101', 'C0102', 'C0103']) await a.patron(card, { name: `協力 ${card}` });
    const books = [
      { card: 'C0101', title: 'T-K1', item: 'K1-1', pickup: 'coop:30', name: '斜陽' },
      { card: 'C0101', title: 'T-K2', item: 'K2-1', pickup: 'coop:30', name: '人間失格' },
      { card: 'C0102', title: 'T-K3', item: 'K3-1', pickup: 'coop:30', name: '走れメロス' },
      { card: 'C0103', title: 'T-K4', item: 'K4-1', pickup: 'coop:12', name: '富嶽百景' },
    ];
    for (const b of books) await a.h.title(b.title, b.name, [{ item: b.item }]);
    await a.h.advanceTo(w.at('2026-12-02T11:00'));
    for (const b of books) {
      const placed = await a.post(RESERVE, 'opac', { cardNumber: b.card }, { titleId: b.title, pickup: b.pickup });
      expect(placed.status).toBe(201);
    }
    await a.h.advanceTo(w.at('2026-12-02T11:10'));
    for (const b of books) expect((await a.post('/staff/pull-list/scans', 'counter', {}, { itemNumber: b.item })).status).toBe(200);
    await a.h.settle();
    const day = w.day('2026-12-03');

    await page.click('nav >> text=木曜処理');
    await page.waitForURL('**/console/thursday');
    await page.fill('#preview-date', day);
    await page.click('text=予定を表示');
    await page.waitForSelector('#preview-h');
    const preview = page.locator('section[aria-labelledby="preview-h"]');
    // By library number: coop:12, then coop:30.
    expect(await preview.locator('h3').allTextContents()).toEqual([
      expect.stringContaining('専用袋 1袋・1点'),
      expect.stringContaining('専用袋 2袋・3点'),
    ]);
    await check('10-thursday-preview');

    await a.h.advanceTo(w.at('2026-12-03T10:30'));
    await page.fill('#run-day', day);
    await page.click('button:text("実行")');
    await page.waitForURL(`**/console/thursday/${day}`);
    expect(await page.locator('.notice.done').textContent()).toContain('専用袋 3袋');
    await check('11-thursday-run');

    await page.click('text=専用袋のラベルを印刷');
    await page.waitForURL(`**/console/thursday/${day}/labels`);
    const labels = page.locator('article.label');
    expect(await labels.count()).toBe(3); // one per patron (R-COOP-2), not one per copy
    for (const text of await labels.allTextContents()) expect(text).toContain('オンライン貸出サービス');
    const c0101 = labels.filter({ hasText: 'C0101' });
    expect(await c0101.locator('li').allTextContents()).toEqual([expect.stringContaining('K1-1'), expect.stringContaining('K2-1')]);
    expect(await labels.filter({ hasText: 'C0103' }).textContent()).toContain(books[3]!.name);
    await check('12-thursday-labels');
    // Printed: one label per page of the label size; Chromium's PDF → PNG (pdf.js in the same browser).
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const printed = await pdfToPngs(browser, pdf, '13-labels-printed');
    expect(printed.pages).toBe(3);

    await page.goto(`${a.baseUrl}/console/thursday/${day}/transit-slips`);
    const slips = page.locator('section.transit');
    expect(await slips.count()).toBe(2);
    expect(await slips.first().textContent()).not.toContain('協力 C01'); // no names on what travels with the courier
    await check('14-thursday-transit-slips');
    const slipPdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect((await pdfToPngs(browser, slipPdf, '15-transit-slips-printed')).pages).toBe(2);
  });

  test('search by item, and a reservation page: its whole history (who, when, which rule) and the actions its state allows', async () => {
    await page.click('nav >> text=予約・貸出の検索');
    await page.waitForURL('**/console/search');
    await page.fill('#s-item', 'C1-1');
    await page.click('button:text("検索")');
    await page.waitForSelector('#results-h');
    const rows = page.locator('section[aria-labelledby="results-h"] tbody tr');
    expect(await rows.count()).toBe(2); // C0001's (returned) and C0002's (on the hold shelf)
    await check('16-search');

    await page.click('section[aria-labelledby="results-h"] tr:has-text("C0001") a:text("津軽")');
    await page.waitForURL(`**/console/reservations/${encodeURIComponent(reservationId)}`);
    const history = page.locator('section[aria-labelledby="hist-h"]');
    const text = (await history.textContent())!;
    for (const what of ['書架から確保', '受取(貸出)', '延長', '返却処理', 'R-PREF-4', 'R-RENEW-3', HARNESS_STAFF.counter.name, '返却済'])
      expect(text).toContain(what);
    expect(await page.locator('section[aria-labelledby="act-h"]').textContent()).toContain('できる操作はありません');
    await check('17-reservation-history');

    await page.goBack();
    await page.click('section[aria-labelledby="results-h"] tr:has-text("C0002") a:text("津軽")');
    await page.waitForSelector('#act-h');
    expect(await page.locator('#facts-h').textContent()).toContain('貸出可能');
    await check('17b-reservation-actions');
    await page.selectOption('#r-channel', 'phone');
    await page.click('button:text("予約を取り消す")');
    await page.waitForSelector('.notice.done');
    expect(await page.locator('#facts-h').textContent()).toContain('取消');
    expect(await page.locator('section[aria-labelledby="hist-h"]').textContent()).toContain('取消 — 完了');
    await check('18-reservation-cancelled');
  });

  test('R-ACCOUNT-1, R-LIMIT-2: register a patron with a printable temporary-password slip; loan limit and usual library', async () => {
    await page.click('nav >> text=利用者');
    await page.waitForURL('**/console/patrons');
    await check('19-patrons');
    await page.fill('#p-card', 'C0500');
    await page.fill('#p-name', '新規 登録');
    await page.selectOption('#p-lib', '12');
    await page.click('button:text("登録して仮パスワードを発行")');
    await page.waitForURL('**/console/patrons/C0500');
    const slip = page.locator('.slip');
    expect(await slip.textContent()).toContain('仮パスワード');
    const password = (await slip.locator('dd code').textContent())!;
    expect(password.length).toBeGreaterThanOrEqual(8);
    await check('20-patron-registered');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, '21-temporary-password-print');
    await page.emulateMedia({ media: null });
    expect((await a.loginPatron('C0500', password)).body).toMatchObject({ mustChangePassword: true });
    // Shown once: the next page has no password.
    await page.reload();
    expect(await page.locator('.slip').count()).toBe(0);

    await page.selectOption('#loanLimit', '5');
    await page.click('section[aria-labelledby="limit-h"] button');
    await page.waitForSelector('.notice.done');
    await page.selectOption('#u-lib', '30');
    await page.click('section[aria-labelledby="usual-h"] button');
    await page.waitForSelector('.notice.done');
    expect((await a.get('/staff/patrons/{cardNumber}', 'staff', { cardNumber: 'C0500' })).body).toMatchObject({ loanLimit: 5, usualLibraryNo: 30 });
  });

  test('cooperating libraries: closed and open again', async () => {
    await page.click('nav >> text=協力館');
    await page.waitForURL('**/console/libraries');
    await page.click('tr:has(td:text-is("12")) button');
    await page.waitForSelector('.notice.done');
    expect(await page.locator('tr:has(td:text-is("12"))').textContent()).toContain('休館中');
    expect((await a.get('/staff/libraries', 'staff')).body.items.find((l: { no: number }) => l.no === 12)).toMatchObject({ isOpen: false });
    await check('22-libraries');
    await page.click('tr:has(td:text-is("12")) button');
    await page.waitForSelector('.notice.done');
    expect((await a.get('/staff/libraries', 'staff')).body.items.find((l: { no: number }) => l.no === 12)).toMatchObject({ isOpen: true });
  });

  test('R-CLOSED-1: closed days entered for a range and removed again from the 協力館 page', async () => {
    await page.click('nav >> text=協力館');
    await page.waitForURL('**/console/libraries');
    await page.selectOption('#cd-library', 'pref');
    await page.fill('#cd-from', w.day('2026-12-29'));
    await page.fill('#cd-to', w.day('2027-01-03'));
    await page.fill('#cd-note', '年末年始休館');
    await page.click('button[value="close"]');
    await page.waitForSelector('.notice.done');
    expect(await page.locator('.notice.done').textContent()).toContain('休館日にしました(6日)');
    const listed = await a.get('/staff/closed-days', 'staff', {}, { library: 'pref' });
    expect(listed.body.items.map((d: { day: string }) => d.day)).toEqual([
      w.day('2026-12-29'),
      w.day('2026-12-30'),
      w.day('2026-12-31'),
      w.day('2027-01-01'),
      w.day('2027-01-02'),
      w.day('2027-01-03'),
    ]);
    expect(await page.locator('section[aria-labelledby="closed-h"] tr:has-text("年末年始休館")').count()).toBe(1); // one line for the range
    await check('23-closed-days');
    await page.click('section[aria-labelledby="closed-h"] tr:has-text("年末年始休館") button');
    await page.waitForSelector('.notice.done');
    expect(await page.locator('.notice.done').textContent()).toContain('休館日を取り消しました(6日)');
    expect((await a.get('/staff/closed-days', 'staff')).body.items).toEqual([]);
  });

  test('a temporary password opens only the password change; changed, the console opens', async () => {
    const made = await a.post('/staff/accounts', 'admin', {}, { staffNumber: 'T-NEW', name: '新人 職員', role: 'counter' });
    expect(made.status).toBe(201);
    const fresh = await browser.newContext({ locale: 'ja-JP' });
    try {
      const p = await fresh.newPage();
      p.setDefaultTimeout(15_000);
      await p.goto(`${a.baseUrl}/console/sign-in`);
      await p.fill('#staffNumber', 'T-NEW');
      await p.fill('#password', made.body.temporaryPassword);
      await p.press('#password', 'Enter');
      await p.waitForURL('**/console/password');
      await p.goto(`${a.baseUrl}/console/pull-list`);
      await p.waitForURL('**/console/password'); // nothing else before the change
      expect(await seriousViolations(p)).toEqual([]);
      await screenshot(p, '23-password-change');
      await p.fill('#currentPassword', made.body.temporaryPassword);
      await p.fill('#newPassword', 'new-staff-2026-pass');
      await p.fill('#confirmPassword', 'new-staff-2026-pass');
      await p.press('#confirmPassword', 'Enter');
      await p.waitForURL('**/console/counter');
      expect(await p.locator('.notice.done').textContent()).toContain('パスワードを変更しました');
      expect(await p.locator('form.who').textContent()).toContain('新人 職員');
    } finally {
      await fresh.close();
    }
  });

  test('without JavaScript: signing in, the counter, a form, the pull list, the search and the labels all work', async () => {
    const bare = await browser.newContext({ javaScriptEnabled: false, locale: 'ja-JP' });
    try {
      const p = await bare.newPage();
      p.setDefaultTimeout(15_000);
      await p.goto(`${a.baseUrl}/console/counter`);
      await p.fill('#staffNumber', HARNESS_STAFF.counter.staffNumber);
      await p.fill('#password', STAFF_PASSWORD);
      await p.click('button:text("サインイン")');
      await p.waitForURL('**/console/counter');
      await p.fill('#card', 'C0101');
      await p.press('#card', 'Enter');
      await p.waitForSelector('#patron-h');
      expect(await p.locator('section[aria-labelledby="loans-h"]').textContent()).toContain('K1-1'); // 配送中 counts as a loan
      // A walk-in checkout from the shelf, with its loan slip.
      await a.h.title('T-W1', '津軽海峡', [{ item: 'W1-1' }]);
      await p.fill('#lend-item', 'W1-1');
      await p.press('#lend-item', 'Enter');
      await p.waitForSelector('.notice.done');
      expect(await p.locator('.slip').textContent()).toContain('津軽海峡');
      await p.fill('#checkin-item', 'NO-SUCH-ITEM');
      await p.press('#checkin-item', 'Enter');
      await p.waitForSelector('.notice.refused');
      expect(await p.locator('.notice.refused').textContent()).toContain('NO-SUCH-ITEM');
      await p.goto(`${a.baseUrl}/console/pull-list`);
      expect(await p.locator('h1').textContent()).toBe('取置作業');
      await p.goto(`${a.baseUrl}/console/search?item=K1-1`);
      expect(await p.locator('section[aria-labelledby="results-h"]').textContent()).toContain('C0101');
      await p.goto(`${a.baseUrl}/console/thursday/${w.day('2026-12-03')}/labels`);
      expect(await p.locator('article.label').count()).toBe(3);
    } finally {
      await bare.close();
    }
  });

  test('R-SCALE-2: past 1,000 matches the search says 「1,000件以上」 and pages on with 次へ; the last page lists its rows', async () => {
    // A thousand old 取消 reservations of one patron, written with SQL (nothing for a workflow to do).
    const many = await a.h.patron('C0900');
    await a.h.db.title.create({ data: { id: 'T-MANY', title: '多くの予約' } });
    await a.h.db.$executeRawUnsafe(
      `INSERT INTO reservation (id, "patronId", "titleId", "pickupPlaceCode", status, "placedAt", "endedAt", "endReason", "workflowStartedAt", "updatedAt")
         SELECT 'MANY-' || i, $1::uuid, 'T-MANY', 'pref', 'CANCELLED', timestamp '2025-01-01 00:00' + (i || ' minutes')::interval,
                timestamp '2025-03-01 00:00', 'cancelled', now(), now()
         FROM generate_series(1, 1000) i`,
      many.id,
    );
    const all = await a.h.db.reservation.count();
    const results = page.locator('section[aria-labelledby="results-h"]');
    await page.goto(`${a.baseUrl}/console/search?kind=reservations`);
    expect(await results.locator('p.facts').textContent()).toBe('1,000件以上(1ページ目)');
    expect(await results.locator('tbody tr').count()).toBe(50);
    expect((await results.locator('nav.pager').textContent())!.replace(/\s+/g, ' ').trim()).toBe('1ページ目 次へ');
    await check('24-search-over-a-thousand');
    await results.locator('nav.pager a:text("次へ")').click();
    await page.waitForURL('**/console/search?kind=reservations&page=2');
    expect(await results.locator('p.facts').textContent()).toBe('1,000件以上(2ページ目)');
    // The last page: the count reaches it, so the total is exact there, and it lists the rest.
    const last = Math.ceil(all / 50);
    await page.goto(`${a.baseUrl}/console/search?kind=reservations&page=${last}`);
    expect(await results.locator('p.facts').textContent()).toBe(`${all.toLocaleString('ja-JP')}件(${last}ページ目)`);
    expect(await results.locator('tbody tr').count()).toBe(all - (last - 1) * 50);
    expect((await results.locator('nav.pager').textContent())!.replace(/\s+/g, ' ').trim()).toBe(`前へ ${last}/${last}`);
    // One patron's thousand: exactly the cap, exact.
    await page.goto(`${a.baseUrl}/console/search?kind=reservations&card=C0900`);
    expect(await results.locator('p.facts').textContent()).toBe('1,000件(1ページ目)');
  });

  test('sign out: the session ends at the API too', async () => {
    const before = (await context.cookies()).find((c) => c.name === 'console_session')!.value;
    await page.click('form.who button');
    await page.waitForURL('**/console/sign-in');
    const api = await fetch(`${a.baseUrl}/staff/pull-list`, { headers: { authorization: `Bearer ${before}` } });
    expect(api.status).toBe(401);
    await page.goto(`${a.baseUrl}/console/counter?card=C0001`);
    expect(await page.locator('h1').textContent()).toBe('サインイン');
  });
});
