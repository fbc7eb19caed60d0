import { html } from '../html';
import type { ConsoleRoutes } from '../index';

export function libraryPages(r: ConsoleRoutes): void {
  r.get('/libraries', async () => ({ title: '協力館', section: 'libraries', body: html`<p>準備中です。</p>` }));
}
