// The notices after the lending notice (docs/notices.md, spec §10): 取置期限, 返却期限, 延滞, 発送できな
// かった図書, 予約解除 and 予約取消 — in Japanese as the library writes them, or in English when the
// patron chose it. Every notice names the patron (card number and name), the title and item, and the
// facts it is about; nothing here reads the clock or the database: the sending activity gathers the
// facts from the records (src/activities/notices.ts).
import { formatDateEn, formatDateJa, MAX_DISPATCH_FAILURES, MAX_RENEWALS, type LocalDate, type NoticeLanguage, type Refusal } from '../domain';

export interface NoticeBase {
  cardNumber: string;
  name: string;
  title: string;
  itemNumber: string | null;
  pickupPlace: { kind: 'pref' | 'coop'; label: string };
  reservedOn: LocalDate;
}

export type NoticeFacts =
  | (NoticeBase & { kind: 'PICKUP_REMINDER'; holdUntil: LocalDate })
  | (NoticeBase & {
      kind: 'PRE_DUE';
      due: LocalDate;
      /** R-RENEW-1/2: can it be renewed, and to when; or the rule that says no. */
      renewal: { ok: true; newDue: LocalDate; renewalsLeft: number } | { ok: false; refusal: Refusal };
    })
  | (NoticeBase & { kind: 'OVERDUE'; due: LocalDate; number: number; daysOverdue: number })
  | (NoticeBase & { kind: 'DISPATCH_FAILED'; failures: number; cause: Refusal | null; next: 'SECURED' | 'WAITING' })
  | (NoticeBase & { kind: 'RELEASED'; reason: Refusal; cause: Refusal | null })
  | (NoticeBase & { kind: 'CANCELLED_BY_STAFF'; cancelledOn: LocalDate })
  | (NoticeBase & { kind: 'NOT_NEEDED_CANCELLED'; notNeededAfter: LocalDate; cancelledOn: LocalDate });

export type TimedNoticeKind = NoticeFacts['kind'];

const SIGNATURE_JA = '青森県立図書館';
const SIGNATURE_EN = 'Aomori Prefectural Library (青森県立図書館)';
const MY_LIBRARY_JA = 'この内容はMyライブラリでも確認できます。';
const MY_LIBRARY_EN = 'You can see this in My Library, too.';

export const NOTICE_SUBJECTS: Record<TimedNoticeKind, Record<NoticeLanguage, string>> = {
  PICKUP_REMINDER: {
    ja: '【青森県立図書館】取置期限のお知らせ(オンライン貸出サービス)',
    en: '[Aomori Prefectural Library] Your hold ends tomorrow (online lending)',
  },
  PRE_DUE: {
    ja: '【青森県立図書館】返却期限のお知らせ(オンライン貸出サービス)',
    en: '[Aomori Prefectural Library] Due in 3 days (online lending)',
  },
  OVERDUE: {
    ja: '【青森県立図書館】延滞のお知らせ(オンライン貸出サービス)',
    en: '[Aomori Prefectural Library] Overdue (online lending)',
  },
  DISPATCH_FAILED: {
    ja: '【青森県立図書館】発送できなかった図書のお知らせ(オンライン貸出サービス)',
    en: '[Aomori Prefectural Library] A reserved item could not be sent (online lending)',
  },
  RELEASED: {
    ja: '【青森県立図書館】予約解除のお知らせ(オンライン貸出サービス)',
    en: '[Aomori Prefectural Library] Your reservation was released (online lending)',
  },
  CANCELLED_BY_STAFF: {
    ja: '【青森県立図書館】予約取消のお知らせ(オンライン貸出サービス)',
    en: '[Aomori Prefectural Library] Your reservation was cancelled (online lending)',
  },
  NOT_NEEDED_CANCELLED: {
    ja: '【青森県立図書館】予約取消のお知らせ(オンライン貸出サービス)',
    en: '[Aomori Prefectural Library] Your reservation was cancelled: no longer needed (online lending)',
  },
};

function headerJa(f: NoticeBase): string[] {
  return [
    `利用者番号:${f.cardNumber}`,
    `氏名:${f.name}`,
    `タイトル:${f.title}`,
    ...(f.itemNumber ? [`資料番号:${f.itemNumber}`] : []),
    `受取場所:${f.pickupPlace.label}`,
    `予約した日:${formatDateJa(f.reservedOn)}`,
  ];
}

function headerEn(f: NoticeBase): string[] {
  return [
    `Card number: ${f.cardNumber}`,
    `Name: ${f.name}`,
    `Title: ${f.title}`,
    ...(f.itemNumber ? [`Item number: ${f.itemNumber}`] : []),
    `Pickup place: ${f.pickupPlace.label}`,
    `Reserved on: ${formatDateEn(f.reservedOn)}`,
  ];
}

const RETURN_PLACE_JA = (f: NoticeBase) =>
  f.pickupPlace.kind === 'pref'
    ? '当館カウンター又はブックポストへ返却してください。'
    : '受け取った協力館のカウンター又は所定の場所へ、専用袋に入れて直接返却してください(ブックポスト利用不可)。県立図書館へ返却することもできます。';
const RETURN_PLACE_EN = (f: NoticeBase) =>
  f.pickupPlace.kind === 'pref'
    ? 'Please return it at our counter or through our book post.'
    : 'Please return it in its dedicated bag at the counter (or designated place) of the cooperating library where you collected it — not through a book post — or at the prefectural library.';

function bodyJa(f: NoticeFacts): string[] {
  switch (f.kind) {
    case 'PICKUP_REMINDER':
      return [
        `ご予約の資料の取置期限は明日、${formatDateJa(f.holdUntil)}までです。`,
        '',
        ...headerJa(f),
        `取置期限:${formatDateJa(f.holdUntil)}`,
        '',
        f.pickupPlace.kind === 'pref'
          ? '当館カウンターで利用者カードを提示し、貸出を受けてください。'
          : '受取場所のカウンター又は所定の場所で、県立図書館からのオンライン貸出である旨をお話しいただき、県立図書館の利用者カードを提示のうえ、図書をお受け取りください。',
        '取置期間の延長はできません。期限までに受け取りに来られなかった場合は、資料を回収し、申し込みを解除します。',
      ];
    case 'PRE_DUE':
      return [
        `お借りの資料の返却期限は${formatDateJa(f.due)}です。`,
        '',
        ...headerJa(f),
        `返却期限:${formatDateJa(f.due)}`,
        '',
        ...(f.renewal.ok
          ? [
              `本日から返却期限日まで、貸出期間を1週間延長できます(延長後の返却期限:${formatDateJa(f.renewal.newDue)}、延長はあと${f.renewal.renewalsLeft + 1}回まで)。`,
              'Myライブラリ、電話又は当館のカウンターでお申し込みください。メールによる延長の申し込みはできません。',
            ]
          : [`この資料は延長できません。${f.renewal.refusal.ja}`]),
        RETURN_PLACE_JA(f),
      ];
    case 'OVERDUE':
      return [
        `お借りの資料が返却期限(${formatDateJa(f.due)})を過ぎています(${f.daysOverdue}日経過)。至急ご返却ください。`,
        '',
        ...headerJa(f),
        `返却期限:${formatDateJa(f.due)}`,
        '',
        '延滞の資料がある間は、新たな貸出及び協力館への発送はできません。',
        // R-RENEW-3 / R-RENEW-5: only the patron's own renewal ends with the due date.
        '返却期限日を過ぎたため、ご自身での延長はできません。他に予約がなければ、電話又は当館のカウンターで延長できる場合があります。',
        RETURN_PLACE_JA(f),
        ...(f.pickupPlace.kind === 'coop' ? ['協力館に返却された資料は、県立図書館で返却処理されるまで「貸出中」と表示されます。'] : []),
        ...(f.number > 1 ? [`(${f.number}回目のお知らせです。)`] : []),
        '既にご返却いただいた場合は、行き違いですのでご容赦ください。',
      ];
    case 'DISPATCH_FAILED':
      return [
        'ご予約の資料を、今週の貸出処理で協力館へ発送できませんでした。',
        '',
        ...headerJa(f),
        '',
        `理由:${f.cause?.ja ?? '貸出上限数を超えた、または長期間延滞している図書があるため。'}`,
        f.next === 'WAITING'
          ? '他に予約の入っている図書のため、予約順位を1つ繰り下げました(確保待ち)。'
          : '資料は確保したまま、次回の貸出処理(毎週木曜日)で改めて発送します。',
        `発送できなかったのは${f.failures}回目です。${MAX_DISPATCH_FAILURES}回発送できなかった場合は予約を解除します。`,
        f.cause?.rule === 'R-CONDUCT-1' // staff stopped the service: no return of the patron's lifts it
          ? 'ご利用の再開については、県立図書館一般室カウンターへお問い合わせください。'
          : '貸出中の資料の返却又は延滞の解消により、発送できるようになります。',
      ];
    case 'RELEASED':
      return [
        'ご予約を解除しましたので、お知らせします。',
        '',
        ...headerJa(f),
        '',
        `理由:${f.reason.ja}`,
        ...(f.cause ? [`(最後に発送できなかった理由:${f.cause.ja})`] : []),
        '引き続きご希望の場合は、改めて予約をお申し込みください。',
      ];
    case 'CANCELLED_BY_STAFF':
      return [
        `ご予約を${formatDateJa(f.cancelledOn)}に当館で取り消しましたので、お知らせします。`,
        '',
        ...headerJa(f),
        '',
        'お心当たりのない場合は、当館カウンターまでお問い合わせください。',
      ];
    case 'NOT_NEEDED_CANCELLED': // R-SUSPEND-3
      return [
        `ご指定の不要日(${formatDateJa(f.notNeededAfter)})までに図書をご用意できなかったため、ご予約を${formatDateJa(f.cancelledOn)}に取り消しましたので、お知らせします。`,
        '',
        ...headerJa(f),
        '',
        '引き続きご希望の場合は、改めて予約をお申し込みください。',
      ];
  }
}

function bodyEn(f: NoticeFacts): string[] {
  switch (f.kind) {
    case 'PICKUP_REMINDER':
      return [
        `The item you reserved is held for you until tomorrow, ${formatDateEn(f.holdUntil)}.`,
        '',
        ...headerEn(f),
        `Held until: ${formatDateEn(f.holdUntil)}`,
        '',
        f.pickupPlace.kind === 'pref'
          ? 'Please show your library card at our counter to borrow it.'
          : "At the cooperating library's counter, say that it is an online loan from the prefectural library and show the prefectural library's card.",
        'The hold cannot be extended. If it is not collected by then, it is taken back and the reservation is released.',
      ];
    case 'PRE_DUE':
      return [
        `The item you borrowed is due on ${formatDateEn(f.due)}.`,
        '',
        ...headerEn(f),
        `Due: ${formatDateEn(f.due)}`,
        '',
        ...(f.renewal.ok
          ? [
              `From today through the due date you can renew it for one week (new due date ${formatDateEn(f.renewal.newDue)}; ${f.renewal.renewalsLeft + 1} of ${MAX_RENEWALS} renewals left).`,
              'Renew in My Library, by phone or at our counter; renewals are not accepted by e-mail.',
            ]
          : [`This loan cannot be renewed. ${f.renewal.refusal.en}`]),
        RETURN_PLACE_EN(f),
      ];
    case 'OVERDUE':
      return [
        `The item you borrowed was due on ${formatDateEn(f.due)} (${f.daysOverdue} days ago). Please return it as soon as possible.`,
        '',
        ...headerEn(f),
        `Due: ${formatDateEn(f.due)}`,
        '',
        'While a loan is overdue, nothing new can be lent to you and nothing is sent to a cooperating library for you.',
        'The due date has passed, so you can no longer renew it yourself. If nobody else has reserved it, the library may still renew it by phone or at the counter.',
        RETURN_PLACE_EN(f),
        ...(f.pickupPlace.kind === 'coop' ? ['An item returned at a cooperating library shows as on loan until its return is processed here.'] : []),
        ...(f.number > 1 ? [`(This is reminder ${f.number}.)`] : []),
        'If you have already returned it, please disregard this notice.',
      ];
    case 'DISPATCH_FAILED':
      return [
        "The item you reserved could not be sent to the cooperating library in this week's lending processing.",
        '',
        ...headerEn(f),
        '',
        `Why: ${f.cause?.en ?? 'you are over the loan limit or have a long-overdue loan.'}`,
        f.next === 'WAITING'
          ? 'Others are waiting for this title, so your reservation moved down one place in the queue (waiting for a copy).'
          : 'The copy stays set aside and is sent with the next lending processing (every Thursday).',
        `This was failure ${f.failures}; after ${MAX_DISPATCH_FAILURES} failures the reservation is released.`,
        f.cause?.rule === 'R-CONDUCT-1'
          ? 'Please contact the prefectural library counter about using the service again.'
          : 'Returning a loan, or an overdue one, makes the dispatch possible again.',
      ];
    case 'RELEASED':
      return [
        'Your reservation has been released.',
        '',
        ...headerEn(f),
        '',
        `Why: ${f.reason.en}`,
        ...(f.cause ? [`(The last dispatch failed because: ${f.cause.en})`] : []),
        'If you still want the title, please reserve it again.',
      ];
    case 'CANCELLED_BY_STAFF':
      return [
        `The library cancelled your reservation on ${formatDateEn(f.cancelledOn)}.`,
        '',
        ...headerEn(f),
        '',
        'If you did not ask for this, please contact our counter.',
      ];
    case 'NOT_NEEDED_CANCELLED': // R-SUSPEND-3
      return [
        `The item could not be made ready by ${formatDateEn(f.notNeededAfter)}, the day you said you no longer needed it after, so your reservation was cancelled on ${formatDateEn(f.cancelledOn)}.`,
        '',
        ...headerEn(f),
        '',
        'If you still want the title, please reserve it again.',
      ];
  }
}

export function renderNotice(f: NoticeFacts, language: NoticeLanguage): { subject: string; text: string } {
  const lines =
    language === 'en'
      ? [`Dear ${f.name},`, '', ...bodyEn(f), MY_LIBRARY_EN, '', SIGNATURE_EN]
      : [`${f.name} 様`, '', ...bodyJa(f), MY_LIBRARY_JA, '', SIGNATURE_JA];
  return { subject: NOTICE_SUBJECTS[f.kind][language], text: lines.join('\n') };
}
