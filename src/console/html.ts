// HTML for the staff console, written as TypeScript template literals: `html` escapes every value it
// is given (text and attribute values alike) unless it is already Html, so a card number, a title or a
// message from the API can never become markup. Nothing else builds HTML.

/** Markup that is safe to send as is: made by `html` (or `raw`, for a constant). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** What may stand in a template: text and numbers (escaped), markup, lists of either, and nothing (null, undefined, false). */
export type Fragment = Html | string | number | boolean | null | undefined | readonly Fragment[];

function render(f: Fragment): string {
  if (f === null || f === undefined || f === false || f === true) return '';
  if (f instanceof Html) return f.value;
  if (Array.isArray(f)) return f.map(render).join('');
  return escapeHtml(String(f));
}

export function html(strings: TemplateStringsArray, ...values: Fragment[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

/** A constant piece of markup written in the code (never anything received). */
export const raw = (markup: string): Html => new Html(markup);

/** `attr('checked', on)` → ` checked` or nothing. */
export const flag = (name: string, on: boolean | undefined): Html => new Html(on ? ` ${name}` : '');
