// Signing in (staff number and password: POST /staff/login) and the password change that a temporary
// password requires first (POST /staff/password).
import { html } from '../html';
import type { Who } from '../session';
import type { PageParts } from '../ui';

export function signInPage(pre: string, next?: string, staffNumber?: string): PageParts {
  return {
    title: 'サインイン',
    section: 'none',
    body: html`<form method="post" action="/console/sign-in" class="card narrow">
      <input type="hidden" name="_pre" value="${pre}" />
      ${next ? html`<input type="hidden" name="next" value="${next}" />` : null}
      <p>職員番号とパスワードでサインインしてください。</p>
      <p>
        <label for="staffNumber">職員番号</label>
        <input id="staffNumber" name="staffNumber" autocomplete="username" required maxlength="32" value="${staffNumber ?? ''}" autofocus />
      </p>
      <p>
        <label for="password">パスワード</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200" />
      </p>
      <p><button type="submit">サインイン</button></p>
    </form>`,
  };
}

export function passwordPage(csrf: string, who: Who): PageParts {
  return {
    title: 'パスワードの変更',
    section: 'none',
    body: html`<form method="post" action="/console/password" class="card narrow">
      <input type="hidden" name="_csrf" value="${csrf}" />
      ${who.mustChangePassword ? html`<p class="notice">仮パスワードでサインインしています。先にパスワードを変更してください。</p>` : null}
      <p>
        <label for="currentPassword">現在のパスワード</label>
        <input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password" required maxlength="200" autofocus />
      </p>
      <p>
        <label for="newPassword">新しいパスワード</label>
        <input
          id="newPassword"
          name="newPassword"
          type="password"
          autocomplete="new-password"
          required
          minlength="12"
          maxlength="128"
          aria-describedby="newPasswordHint"
        />
        <span id="newPasswordHint" class="hint">12文字以上、英字と数字を混在</span>
      </p>
      <p>
        <label for="confirmPassword">新しいパスワード(確認)</label>
        <input id="confirmPassword" name="confirmPassword" type="password" autocomplete="new-password" required maxlength="128" />
      </p>
      <p><button type="submit">変更する</button></p>
    </form>`,
  };
}
