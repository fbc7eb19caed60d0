import { html } from '../html';
import type { ConsoleRoutes } from '../index';

export function patronPages(r: ConsoleRoutes): void {
  r.get('/patrons', async () => ({ title: '利用者', section: 'patrons', body: html`<p>準備中です。</p>` }));
}
