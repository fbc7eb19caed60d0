// 貸出通知メール (R-MAIL-1): card number, name, pickup place, hold period, item number, title, and
// the date the reservation was made — in the library's own words. Sent from the library's own domain
// (R-MAIL-2).
import { formatDateEn, formatDateJa, type LocalDate, type NoticeLanguage } from '../domain';

/** R-MAIL-2: mail comes from the library's own domain (MAIL_FROM may name another address there). */
export const LIBRARY_MAIL_FROM = 'noreply@plib.pref.aomori.lg.jp';

export interface LendingNoticeFacts {
  cardNumber: string;
  name: string;
  pickupPlace: { kind: 'pref' | 'coop'; label: string };
  holdFrom: LocalDate;
  holdUntil: LocalDate;
  itemNumber: string;
  title: string;
  reservedOn: LocalDate;
}

export const LENDING_NOTICE_SUBJECT = '【青森県立図書館】貸出通知メール(オンライン貸出サービス)';

export const LENDING_NOTICE_SUBJECT_EN = '[Aomori Prefectural Library] Your reserved item is ready (online lending)';

/** In Japanese, as the library writes it; in English when the patron chose it (docs/notices.md). */
export function renderLendingNotice(f: LendingNoticeFacts, language: NoticeLanguage = 'ja'): { subject: string; text: string } {
  if (language === 'en') return renderLendingNoticeEn(f);
  const howToCollect =
    f.pickupPlace.kind === 'pref'
      ? '当館カウンターで利用者カードを提示し、貸出を受けてください。'
      : '受取場所のカウンター又は所定の場所で、県立図書館からのオンライン貸出である旨をお話しいただき、県立図書館の利用者カードを提示のうえ、図書をお受け取りください。';
  const text = [
    `${f.name} 様`,
    '',
    'ご予約いただいた資料の貸出準備が整いましたので、お知らせします。',
    '',
    `利用者番号:${f.cardNumber}`,
    `氏名:${f.name}`,
    `受取場所:${f.pickupPlace.label}`,
    `取置期間:${formatDateJa(f.holdFrom)} ~ ${formatDateJa(f.holdUntil)}`,
    `資料番号:${f.itemNumber}`,
    `タイトル:${f.title}`,
    `予約した日:${formatDateJa(f.reservedOn)}`,
    '',
    howToCollect,
    '取置期間の延長はできません。取置期間中に受け取りに来られなかった場合は、資料を回収し、申し込みを解除します。',
    'この内容はMyライブラリでも確認できます。',
    '',
    '青森県立図書館',
  ].join('\n');
  return { subject: LENDING_NOTICE_SUBJECT, text };
}

function renderLendingNoticeEn(f: LendingNoticeFacts): { subject: string; text: string } {
  const howToCollect =
    f.pickupPlace.kind === 'pref'
      ? 'Please show your library card at our counter to borrow it.'
      : "At the pickup place's counter (or designated place), say that it is an online loan from the prefectural library and show the prefectural library's card.";
  const text = [
    `Dear ${f.name},`,
    '',
    'The item you reserved is ready for you.',
    '',
    `Card number: ${f.cardNumber}`,
    `Name: ${f.name}`,
    `Pickup place: ${f.pickupPlace.label}`,
    `Held: ${formatDateEn(f.holdFrom)} to ${formatDateEn(f.holdUntil)}`,
    `Item number: ${f.itemNumber}`,
    `Title: ${f.title}`,
    `Reserved on: ${formatDateEn(f.reservedOn)}`,
    '',
    howToCollect,
    'The hold cannot be extended. If it is not collected within the hold, it is taken back and the reservation is released.',
    'You can see this in My Library, too.',
    '',
    'Aomori Prefectural Library (青森県立図書館)',
  ].join('\n');
  return { subject: LENDING_NOTICE_SUBJECT_EN, text };
}
