// What a service reports that is not a rule of the library: an id that names nothing, or a request
// that clashes with what exists (a card number already issued). The API turns them into 404 / 409;
// refusals by a rule stay `Outcome` values ({ ok: false, refusal }) as in src/domain.

const WHAT_JA: Record<string, string> = {
  reservation: '予約',
  loan: '貸出',
  patron: '利用者',
  item: '資料',
  title: '書誌',
  library: '協力館',
  thursdayRun: '貸出処理日',
  'staff account': '職員アカウント',
};

export class NotFoundError extends Error {
  readonly ja: string;
  constructor(
    readonly what: keyof typeof WHAT_JA & string,
    readonly id: string,
  ) {
    super(`No ${what} ${id}.`);
    this.ja = `${WHAT_JA[what] ?? what}「${id}」は見つかりません。`;
  }
}

export class ConflictError extends Error {
  constructor(
    /** The request field that clashes, e.g. "cardNumber". */
    readonly field: string,
    readonly ja: string,
    readonly en: string,
  ) {
    super(en);
  }
}
