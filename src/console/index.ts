// The staff console at /console: server-rendered pages for the counter, the pull list, Thursday, the
// search, patrons and the cooperating libraries. Every page works without JavaScript (forms, POST →
// 303 → GET); console.js only focuses the scan field and wires the print buttons. Everything it needs
// is served from here (no CDN, no web fonts).
//
// It is a client of the HTTP API (api-client.ts): each handler calls the API's routes with the signed-in
// member of staff's session token, so the API's validation, authorization and staff-act records apply
// to it as to any other caller, and a refusal is shown as the API words it (rule id, Japanese message).
// The session, CSRF and the once-shown outcomes: session.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { ApiReadFailed, ConsoleApi, PasswordChangeRequired, sameServer, SignedOut } from './api-client';
import { html, type Html } from './html';
import { clearCookie, COOKIE, csrfToken, overHttps, parseCookies, randomToken, sameSecret, seal, setCookie, unseal, type Who } from './session';
import { layout, problemBox, refusedFlash, type Flash, type PageParts } from './ui';
import { counterPages } from './pages/counter';
import { pullListPages } from './pages/pull-list';
import { signInPage, passwordPage } from './pages/sign-in';
import { thursdayPages } from './pages/thursday';
import { searchPages } from './pages/search';
import { patronPages } from './pages/patrons';
import { libraryPages } from './pages/libraries';

export interface ConsoleOptions {
  /** Where the API is (default: the address the console's request came in on: the same server). */
  apiBase?: (req: Request) => string;
  /** Unexpected errors (the app's reporter). */
  report(message: string, err: unknown): void;
}

/** What a page handler is given. */
export interface ConsoleCtx {
  req: Request;
  res: Response;
  api: ConsoleApi;
  who: Who;
  token: string;
  csrf: string;
  flash: Flash | undefined;
  /** The POST form's fields (strings; a checkbox not ticked is absent). */
  form: Record<string, string>;
  /** The Idempotency-Key of the form being handled (one per rendered form). */
  once: string | undefined;
}

/** A POST's result: where to go next (303) and what to show there once. */
export interface Outcome {
  to: string;
  flash?: Flash | undefined;
}

export interface ConsoleRoutes {
  get(path: string, handler: (c: ConsoleCtx) => Promise<PageParts>): void;
  post(path: string, handler: (c: ConsoleCtx) => Promise<Outcome>): void;
}

const ASSETS: Record<string, { type: string; file: string }> = {
  'console.css': { type: 'text/css; charset=utf-8', file: 'console.css' },
  'console.js': { type: 'text/javascript; charset=utf-8', file: 'console.js' },
};

/** Only our own pages as the place to go back to after signing in. */
export const safeNext = (next: string | undefined): string =>
  next && /^\/console\/[A-Za-z0-9/_-]*$/.test(next) && !next.startsWith('/console/sign-') ? next : '/console/counter';

export function consoleRouter(opts: ConsoleOptions): Router {
  const router = Router();
  const apiBase = opts.apiBase ?? sameServer;
  const assets = Object.fromEntries(
    Object.entries(ASSETS).map(([name, a]) => [name, { type: a.type, body: readFileSync(path.join(__dirname, 'assets', a.file)) }]),
  );

  router.use((req, res, next) => {
    // The request log and the metrics name the page, never the concrete path or query (card numbers).
    res.locals.route = `/console${req.route?.path ?? ''}`;
    res.set({
      'Content-Security-Policy':
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    });
    next();
  });

  router.get('/assets/:name', (req, res) => {
    res.locals.route = '/console/assets/{name}';
    const a = assets[req.params.name];
    if (!a) return void res.status(404).type('text/plain').send('not found');
    res.set('Cache-Control', 'public, max-age=3600').type(a.type).send(a.body);
  });

  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));

  // ---- POSTs: only from our own pages ----
  router.use((req, res, next) => {
    if (req.method !== 'POST') return next();
    const origin = req.get('origin');
    const site = req.get('sec-fetch-site');
    const host = req.get('x-forwarded-host')?.split(',')[0]?.trim() ?? req.get('host');
    const ownOrigin = `${overHttps(req) ? 'https' : 'http'}://${host}`;
    const sameOrigin = origin === undefined || origin === ownOrigin || origin.replace(/^https?:/, '') === `//${host}`;
    if (!sameOrigin || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      res.locals.route = '/console (cross-site POST refused)';
      return void res
        .status(403)
        .type('html')
        .send(errorPage('送信元が正しくありません', html`<p>このフォームは職員画面からのみ送信できます。</p>`).value);
    }
    next();
  });

  const sessionOf = (req: Request) => {
    const cookies = parseCookies(req.headers.cookie);
    const token = cookies[COOKIE.session];
    if (!token || !token.startsWith('st_')) return { cookies };
    const who = unseal<Who>(token, 'who', cookies[COOKIE.who]);
    return who ? { cookies, token, who } : { cookies };
  };

  const signOutHere = (req: Request, res: Response): void => {
    for (const c of [COOKIE.session, COOKIE.who, COOKIE.flash]) clearCookie(req, res, c);
  };

  const apiFor = (req: Request, res: Response, token: string | undefined) =>
    new ConsoleApi(apiBase(req), token, res.locals.requestId as string | undefined);

  // ---- signing in and out ----
  router.get('/', (req, res) => res.redirect(303, sessionOf(req).token ? '/console/counter' : '/console/sign-in'));
  router.get('/sign-in', (req, res) => {
    res.locals.route = '/console/sign-in';
    const s = sessionOf(req);
    if (s.token) return res.redirect(303, '/console/counter');
    const pre = randomToken();
    setCookie(req, res, COOKIE.pre, pre);
    const next = typeof req.query.next === 'string' ? safeNext(req.query.next) : undefined;
    res.type('html').send(layout(signInPage(pre, next), {}).value);
  });
  router.post('/sign-in', async (req, res) => {
    res.locals.route = '/console/sign-in';
    const s = sessionOf(req);
    const form = (req.body ?? {}) as Record<string, string>;
    const again = (status: number, message: Flash) => {
      const pre = randomToken();
      setCookie(req, res, COOKIE.pre, pre);
      res
        .status(status)
        .type('html')
        .send(layout(signInPage(pre, form.next, form.staffNumber), { flash: message }).value);
    };
    if (!sameSecret(form._pre, s.cookies[COOKIE.pre]))
      return again(403, { kind: 'refused', ja: 'もう一度サインインしてください(フォームの有効期限が切れました)。' });
    const r = await apiFor(req, res, undefined).post<{ token: string; staff: Who }>('/staff/login', {
      staffNumber: form.staffNumber ?? '',
      password: form.password ?? '',
    });
    if (!r.ok) return again(r.status === 429 ? 429 : 401, refusedFlash(r.problem));
    const who: Who = {
      staffNumber: r.body.staff.staffNumber,
      name: r.body.staff.name,
      role: r.body.staff.role,
      mustChangePassword: r.body.staff.mustChangePassword,
    };
    setCookie(req, res, COOKIE.session, r.body.token);
    setCookie(req, res, COOKIE.who, seal(r.body.token, 'who', who));
    clearCookie(req, res, COOKIE.pre);
    res.redirect(303, who.mustChangePassword ? '/console/password' : safeNext(form.next));
  });
  router.post('/sign-out', async (req, res) => {
    res.locals.route = '/console/sign-out';
    const s = sessionOf(req);
    const form = (req.body ?? {}) as Record<string, string>;
    if (s.token && sameSecret(form._csrf, csrfToken(s.token))) {
      try {
        await apiFor(req, res, s.token).post('/staff/logout');
      } catch (err) {
        if (!(err instanceof SignedOut)) throw err;
      }
    }
    signOutHere(req, res);
    res.redirect(303, '/console/sign-in');
  });

  // ---- the signed-in pages ----
  const guard = async (req: Request, res: Response, run: (c: ConsoleCtx) => Promise<void>, allowBeforeChange = false) => {
    const s = sessionOf(req);
    if (!s.token || !s.who) {
      signOutHere(req, res);
      // Nothing of the page, nor of any patron: the sign-in, and back to the same page (not its query) after.
      return void res.redirect(303, `/console/sign-in?next=${encodeURIComponent(safeNext(req.path === '/' ? undefined : `/console${req.path}`))}`);
    }
    const csrf = csrfToken(s.token);
    const form = (req.method === 'POST' ? (req.body ?? {}) : {}) as Record<string, string>;
    if (req.method === 'POST' && !sameSecret(form._csrf, csrf)) {
      res.locals.route = '/console (CSRF token refused)';
      return void res
        .status(403)
        .type('html')
        .send(errorPage('フォームの有効期限が切れました', html`<p>画面を開き直して、もう一度操作してください。</p>`).value);
    }
    if (s.who.mustChangePassword && !allowBeforeChange) return void res.redirect(303, '/console/password');
    const flash = unseal<Flash>(s.token, 'flash', s.cookies[COOKIE.flash]);
    if (s.cookies[COOKIE.flash] && req.method === 'GET') clearCookie(req, res, COOKIE.flash);
    const once = typeof form._once === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(form._once) ? `console-${form._once}` : undefined;
    const c: ConsoleCtx = { req, res, api: apiFor(req, res, s.token), who: s.who, token: s.token, csrf, flash, form, once };
    try {
      await run(c);
    } catch (err) {
      if (err instanceof SignedOut) {
        signOutHere(req, res);
        return void res.redirect(303, '/console/sign-in');
      }
      if (err instanceof PasswordChangeRequired) return void res.redirect(303, '/console/password');
      if (err instanceof ApiReadFailed) {
        const p = err.problem;
        return void res
          .status(p.status >= 400 && p.status < 600 ? p.status : 500)
          .type('html')
          .send(
            layout({ title: p.status === 404 ? '見つかりません' : '表示できません', section: 'none', body: problemBox(p) }, { who: s.who, csrf })
              .value,
          );
      }
      throw err;
    }
  };

  const routes: ConsoleRoutes = {
    get(p, handler) {
      router.get(p, (req, res) =>
        guard(req, res, async (c) => {
          res.locals.route = `/console${p}`;
          const page = await handler(c);
          if (res.headersSent) return; // the handler answered itself (a redirect)
          res.type('html').send(layout(page, { who: c.who, csrf: c.csrf, flash: c.flash }).value);
        }),
      );
    },
    post(p, handler) {
      router.post(p, (req, res) =>
        guard(req, res, async (c) => {
          res.locals.route = `/console${p}`;
          const out = await handler(c);
          if (out.flash) setCookie(req, res, COOKIE.flash, seal(c.token, 'flash', out.flash));
          res.redirect(303, out.to);
        }),
      );
    },
  };

  // The password change: the only page open with a temporary password.
  router.get('/password', (req, res) =>
    guard(
      req,
      res,
      async (c) => {
        res.locals.route = '/console/password';
        res.type('html').send(layout(passwordPage(c.csrf, c.who), { who: c.who, csrf: c.csrf, flash: c.flash }).value);
      },
      true,
    ),
  );
  router.post('/password', (req, res) =>
    guard(
      req,
      res,
      async (c) => {
        res.locals.route = '/console/password';
        if ((c.form.newPassword ?? '') !== (c.form.confirmPassword ?? '')) {
          setCookie(
            req,
            res,
            COOKIE.flash,
            seal(c.token, 'flash', { kind: 'refused', ja: '新しいパスワードが確認欄と一致しません。' } satisfies Flash),
          );
          return void res.redirect(303, '/console/password');
        }
        const r = await c.api.post<{ mustChangePassword: boolean }>('/staff/password', {
          currentPassword: c.form.currentPassword ?? '',
          newPassword: c.form.newPassword ?? '',
        });
        if (!r.ok) {
          setCookie(req, res, COOKIE.flash, seal(c.token, 'flash', refusedFlash(r.problem)));
          return void res.redirect(303, '/console/password');
        }
        setCookie(req, res, COOKIE.who, seal(c.token, 'who', { ...c.who, mustChangePassword: false } satisfies Who));
        setCookie(req, res, COOKIE.flash, seal(c.token, 'flash', { kind: 'done', ja: 'パスワードを変更しました。' } satisfies Flash));
        res.redirect(303, '/console/counter');
      },
      true,
    ),
  );

  counterPages(routes);
  pullListPages(routes);
  thursdayPages(routes);
  searchPages(routes);
  patronPages(routes);
  libraryPages(routes);

  router.use((req, res) => {
    res.locals.route = '/console (no such page)';
    if (!sessionOf(req).token) return void res.redirect(303, '/console/sign-in');
    res
      .status(404)
      .type('html')
      .send(errorPage('ページがありません', html`<p><a href="/console/counter">カウンターへ</a></p>`).value);
  });
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    opts.report(`console ${req.method} ${(res.locals.route as string | undefined) ?? '/console'} failed`, err);
    if (res.headersSent) return void res.end();
    res
      .status(500)
      .type('html')
      .send(errorPage('エラーが発生しました', html`<p>処理中にエラーが発生しました。時間をおいて再度お試しください。</p>`).value);
  });
  return router;
}

function errorPage(title: string, body: Html): Html {
  return layout({ title, section: 'none', body }, {});
}
