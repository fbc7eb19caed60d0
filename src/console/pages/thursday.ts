import { html } from '../html';
import type { ConsoleRoutes } from '../index';

export function thursdayPages(r: ConsoleRoutes): void {
  r.get('/thursday', async () => ({ title: '木曜処理', section: 'thursday', body: html`<p>準備中です。</p>` }));
}
