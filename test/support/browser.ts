// Debian's Chromium driven by playwright-core, for the console's end-to-end tests. No browser is
// downloaded (`npx playwright install` cannot run on a closed network): the machine's /usr/bin/chromium
// (CHROMIUM_PATH elsewhere), which .ci/run installs with apt when it is missing. Without it the suite is
// skipped with a message — except in CI, where it must run.
//
// Also here: axe-core injected into the page (no serious or critical violation allowed), screenshots
// into test-output/console (git-ignored), and page.pdf() turned into PNGs by rendering the PDF with
// pdf.js inside the same Chromium — no other tool, nothing fetched: pdf.js is served from node_modules
// through page.route.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'console');

/**
 * `describe` when Chromium is there; else one failing test saying how to install it — everywhere, not only in
 * CI: the console is proven in a real browser, and a run without one has not proven it.
 */
export function describeInBrowser(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) return describe(name, fn);
  describe(name, () =>
    test('Chromium is installed', () => {
      throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`);
    }),
  );
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE_SOURCE = (): string => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated, not added as a <script>: the console's Content-Security-Policy allows no inline script.
  // Strings, not functions: the tests' TypeScript has no DOM types.
  await page.evaluate(AXE_SOURCE());
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })))`)) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const PDFJS = path.dirname(require.resolve('pdfjs-dist/package.json'));
const RENDER_ORIGIN = 'http://pdf-render.invalid';

/**
 * The PDF as Chromium printed it, one PNG per page (name-1.png, …): pdf.js renders each page on a
 * canvas in a page of its own (in a context of its own: its made-up origin is answered by page.route,
 * nothing goes out), and that is screenshotted. Returns the files and the page count.
 */
export async function pdfToPngs(browser: Browser, pdf: Buffer, name: string, scale = 1.5): Promise<{ files: string[]; pages: number }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(path.join(SCREENSHOTS, `${name}.pdf`), pdf);
  const context = await browser.newContext();
  const page = await context.newPage();
  const files: Record<string, { type: string; body: Buffer }> = {
    '/pdf.mjs': { type: 'text/javascript', body: readFileSync(path.join(PDFJS, 'build', 'pdf.min.mjs')) },
    '/pdf.worker.mjs': { type: 'text/javascript', body: readFileSync(path.join(PDFJS, 'build', 'pdf.worker.min.mjs')) },
    '/doc.pdf': { type: 'application/pdf', body: pdf },
    '/': {
      type: 'text/html',
      body: Buffer.from(`<!doctype html><html><body style="margin:0;background:#888">
<div id="pages"></div>
<script type="module">
import * as pdfjs from '/pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.mjs';
const doc = await pdfjs.getDocument({ url: '/doc.pdf', disableFontFace: false }).promise;
for (let i = 1; i <= doc.numPages; i++) {
  const p = await doc.getPage(i);
  const viewport = p.getViewport({ scale: ${scale} });
  const canvas = document.createElement('canvas');
  canvas.id = 'page-' + i;
  canvas.width = viewport.width; canvas.height = viewport.height;
  canvas.style.display = 'block'; canvas.style.margin = '0 0 8px'; canvas.style.background = '#fff';
  document.getElementById('pages').append(canvas);
  await p.render({ canvasContext: canvas.getContext('2d'), viewport, canvas }).promise;
}
document.body.dataset.pages = String(doc.numPages);
</script></body></html>`),
    },
  };
  await page.route(`${RENDER_ORIGIN}/**`, async (route) => {
    const f = files[new URL(route.request().url()).pathname];
    if (!f) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: f.type, body: f.body });
  });
  try {
    await page.goto(`${RENDER_ORIGIN}/`);
    await page.waitForSelector('body[data-pages]', { timeout: 30_000 });
    const pages = Number(await page.getAttribute('body', 'data-pages'));
    const out: string[] = [];
    for (let i = 1; i <= pages; i++) {
      const file = path.join(SCREENSHOTS, `${name}-${i}.png`);
      await page.locator(`#page-${i}`).screenshot({ path: file });
      out.push(file);
    }
    return { files: out, pages };
  } finally {
    await context.close();
  }
}
