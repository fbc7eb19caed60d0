import { html } from '../html';
import type { ConsoleRoutes } from '../index';

export function searchPages(r: ConsoleRoutes): void {
  r.get('/search', async () => ({ title: '予約・貸出の検索', section: 'search', body: html`<p>準備中です。</p>` }));
}
