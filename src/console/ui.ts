// The console's page shell and the pieces every page uses: navigation, the outcome of the last form
// (flash), refusals as the API words them (the rule's Japanese message and its id), forms that carry
// the CSRF token and an Idempotency-Key, and the printable hold slip.
import { html, raw, type Fragment, type Html } from './html';
import type { ApiProblemBody } from './api-client';
import type { Who } from './session';

export interface HoldSlip {
  reservationId: string;
  cardNumber: string;
  name: string;
  itemNumber: string;
  title: string;
  status: 'READY' | 'SECURED';
  statusLabel: string;
  pickup: { code: string; label: string };
  holdUntil?: string;
  processingDay?: string;
  pickupFrom?: string;
  pickupUntil?: string;
}

export interface TemporaryPasswordSlip {
  cardNumber: string;
  name: string;
  temporaryPassword: string;
}

/** 貸出票 (R-PREF-4: the due date is printed on the loan slip); no name: the slip may be lost. */
export interface LoanSlip {
  cardNumber: string;
  itemNumber: string;
  title: string;
  due: string;
  reserved: boolean;
}

/** What the last form did, shown once on the page it led to. */
export interface Flash {
  kind: 'done' | 'refused';
  ja: string;
  rule?: string | undefined;
  en?: string | undefined;
  fields?: { field: string; ja: string }[] | undefined;
  slip?: HoldSlip | undefined;
  temporaryPassword?: TemporaryPasswordSlip | undefined;
  loanSlip?: LoanSlip | undefined;
}

export const refusedFlash = (p: ApiProblemBody): Flash => ({
  kind: 'refused',
  ja: p.ja,
  rule: p.rule,
  en: p.en,
  fields: p.errors?.map((e) => ({ field: e.field, ja: e.ja })),
});

export const NAV = [
  { href: '/console/counter', label: 'カウンター', section: 'counter' },
  { href: '/console/pull-list', label: '取置作業', section: 'pull-list' },
  { href: '/console/thursday', label: '木曜処理', section: 'thursday' },
  { href: '/console/search', label: '予約・貸出の検索', section: 'search' },
  { href: '/console/patrons', label: '利用者', section: 'patrons' },
  { href: '/console/libraries', label: '協力館', section: 'libraries' },
] as const;
export type Section = (typeof NAV)[number]['section'] | 'none';

export interface PageParts {
  title: string;
  section: Section;
  body: Html;
  /** The page is mostly something to print (labels, slips): the print stylesheet's size class. */
  printClass?: 'print-a4' | 'print-labels';
}

export interface Shell {
  who?: Who | undefined;
  csrf?: string | undefined;
  flash?: Flash | undefined;
}

export function layout(p: PageParts, s: Shell): Html {
  return html`<!doctype html>
    <html lang="ja">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${p.title} — オンライン貸出サービス 職員画面</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body class="${p.printClass ?? ''}">
        <a class="skip" href="#main">本文へ移動</a>
        <header class="top">
          <p class="brand">
            <a href="/console/counter">オンライン貸出サービス <span>職員画面</span></a>
          </p>
          ${s.who ? nav(p.section) : null} ${s.who && s.csrf ? signedIn(s.who, s.csrf) : null}
        </header>
        <main id="main" tabindex="-1">
          <h1>${p.title}</h1>
          ${s.flash ? flashBox(s.flash) : null} ${p.body}
        </main>
      </body>
    </html> `;
}

function nav(section: Section): Html {
  return html`<nav aria-label="業務メニュー">
    <ul>
      ${NAV.map((n) => html`<li><a href="${n.href}" ${n.section === section ? raw(' aria-current="page"') : null}>${n.label}</a></li>`)}
    </ul>
  </nav>`;
}

function signedIn(who: Who, csrf: string): Html {
  return html`<form class="who" method="post" action="/console/sign-out">
    <span>${who.name}(${who.staffNumber}${who.role === 'admin' ? '・管理者' : ''})</span>
    <input type="hidden" name="_csrf" value="${csrf}" />
    <button type="submit">サインアウト</button>
  </form>`;
}

export function flashBox(f: Flash): Html {
  if (f.kind === 'refused') {
    return html`<div class="notice refused" role="alert">
      <p><strong>できません:</strong> ${f.ja}</p>
      ${f.rule ? html`<p class="rule">規則 <code>${f.rule}</code>${f.en ? html` <span lang="en">(${f.en})</span>` : null}</p>` : null}
      ${
        f.fields && f.fields.length > 0
          ? html`<ul>
              ${f.fields.map((e) => html`<li>${e.ja}</li>`)}
            </ul>`
          : null
      }
    </div>`;
  }
  return html`<div class="notice done" role="status">
    <p>${f.ja}</p>
    ${f.slip ? holdSlip(f.slip) : null} ${f.temporaryPassword ? temporaryPasswordSlip(f.temporaryPassword) : null}
    ${f.loanSlip ? loanSlip(f.loanSlip) : null}
  </div>`;
}

/** A refusal shown in place (a page whose read was refused). */
export const problemBox = (p: ApiProblemBody): Html => flashBox(refusedFlash(p));

/** 予約票: for whom, where to, until when — printed alone by the print stylesheet. */
export function holdSlip(s: HoldSlip): Html {
  return html`<section class="slip printable" aria-labelledby="slip-title">
    <h2 id="slip-title">予約票</h2>
    <dl>
      <dt>利用者番号</dt>
      <dd class="big">${s.cardNumber}</dd>
      <dt>氏名</dt>
      <dd>${s.name}</dd>
      <dt>資料番号</dt>
      <dd>${s.itemNumber}</dd>
      <dt>書名</dt>
      <dd>${s.title}</dd>
      <dt>状態</dt>
      <dd>${s.statusLabel}</dd>
      <dt>受取場所</dt>
      <dd class="big">${s.pickup.label}</dd>
      ${
        s.holdUntil
          ? html`<dt>取置期限</dt>
              <dd>${jaDate(s.holdUntil)}</dd>`
          : null
      }
      ${
        s.processingDay
          ? html`<dt>発送(貸出処理日)</dt>
              <dd>${jaDate(s.processingDay)}</dd>`
          : null
      }
      ${
        s.pickupFrom && s.pickupUntil
          ? html`<dt>受取期間</dt>
              <dd>${jaDate(s.pickupFrom)} 〜 ${jaDate(s.pickupUntil)}</dd>`
          : null
      }
    </dl>
    <p class="no-print"><button type="button" class="print-button" hidden>予約票を印刷</button></p>
  </section>`;
}

export function loanSlip(l: LoanSlip): Html {
  return html`<section class="slip printable" aria-labelledby="loan-slip-title">
    <h2 id="loan-slip-title">貸出票${l.reserved ? ' (オンライン貸出サービス)' : ''}</h2>
    <dl>
      <dt>利用者番号</dt>
      <dd>${l.cardNumber}</dd>
      <dt>資料番号</dt>
      <dd>${l.itemNumber}</dd>
      <dt>書名</dt>
      <dd>${l.title}</dd>
      <dt>返却期限</dt>
      <dd class="big">${jaDate(l.due)}</dd>
    </dl>
    <p>延長は返却期限の3日前から返却期限日まで、Myライブラリ・電話・窓口で受け付けます(予約が入っている資料は延長できません)。</p>
    <p class="no-print"><button type="button" class="print-button" hidden>貸出票を印刷</button></p>
  </section>`;
}

export function temporaryPasswordSlip(t: TemporaryPasswordSlip): Html {
  return html`<section class="slip printable" aria-labelledby="pw-title">
    <h2 id="pw-title">仮パスワードのお知らせ</h2>
    <p>
      オンライン貸出サービス(Myライブラリ)に、利用者番号と下の仮パスワードでログインしてください。最初のログインでパスワード(8〜20文字、英字と数字を混在)とメールアドレスを登録していただきます。
    </p>
    <dl>
      <dt>利用者番号</dt>
      <dd class="big">${t.cardNumber}</dd>
      <dt>氏名</dt>
      <dd>${t.name}</dd>
      <dt>仮パスワード</dt>
      <dd class="big"><code>${t.temporaryPassword}</code></dd>
    </dl>
    <p class="no-print">この画面を離れると仮パスワードは二度と表示されません。<button type="button" class="print-button" hidden>印刷</button></p>
  </section>`;
}

/** A form that changes something: POST, with the CSRF token and an Idempotency-Key of its own. */
export function postForm(action: string, csrf: string, content: Fragment, opts: { className?: string; label?: string } = {}): Html {
  return html`<form
    method="post"
    action="${action}"
    ${opts.className ? html` class="${opts.className}"` : null}${opts.label ? html` aria-label="${opts.label}"` : null}
  >
    <input type="hidden" name="_csrf" value="${csrf}" />
    <input type="hidden" name="_once" value="${onceKey()}" />
    ${content}
  </form>`;
}

let onceCounter = 0;
/** A value unique to one rendered form: sent as the Idempotency-Key, so a form sent twice acts once. */
function onceKey(): string {
  onceCounter = (onceCounter + 1) % 1_000_000;
  return `${Date.now().toString(36)}-${onceCounter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];
/** 2026-12-03 → 2026年12月3日(木) */
export function jaDate(d: string | null | undefined): string {
  if (!d) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  if (!m) return d;
  const wd = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日(${WEEKDAYS[wd]})`;
}

/** An instant as the library reads it: JST date and time. */
export function jaMoment(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const j = new Date(t.getTime() + 9 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${jaDate(j.toISOString().slice(0, 10))} ${pad(j.getUTCHours())}:${pad(j.getUTCMinutes())}`;
}

/** A data table with a caption (every table the console shows is labelled). */
export function table(caption: string, head: string[], rows: Html[], empty = '該当するものはありません。'): Html {
  if (rows.length === 0) return html`<p class="empty">${caption}: ${empty}</p>`;
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${head.map((h) => html`<th scope="col">${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}
