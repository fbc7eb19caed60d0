// The OPAC acts for a patron only with that patron's token (docs/spec.md §11 Decision): every
// `/opac/patrons/{cardNumber}/…` operation called with an OPAC key that is not trusted needs
// `X-Patron-Token` for exactly that card — from POST /opac/login (or the password change), unexpired,
// not revoked by a password change since. Missing, expired, revoked or forged → 401; a token for
// another card → 403. Checked before anything else of the request, so an OPAC without the patron's
// token learns nothing about the card (not even whether it exists). A trusted OPAC key (role
// opac-trusted) authenticates its patrons itself and needs no token.
import { unauthorized, type Caller } from './auth';
import type { ApiContext } from './deps';
import { PATRON_TOKEN_HEADER } from './patron-tokens';
import { ApiProblem } from './problem';

/** The operations that act for the patron named in the path. */
export const actsForPatron = (route: { path: string }): boolean => route.path.startsWith('/opac/patrons/{cardNumber}');

/** Does this caller have to show a patron token on such an operation? */
export const needsPatronToken = (caller: Caller): boolean => caller.role === 'opac' && !caller.trusted;

const tokenProblem = (ja: string, en: string) => unauthorized(ja, en, { rule: 'R-ACCOUNT-1' });

/** The caller as the patron the token proves, or the problem why not. */
export async function patronCaller(ctx: ApiContext, caller: Caller, cardNumber: string | undefined, token: string | undefined): Promise<Caller> {
  if (!token) {
    throw tokenProblem(
      `利用者のログインが必要です(${PATRON_TOKEN_HEADER}: POST /opac/login の patronToken)。`,
      `The patron must be logged in: send the patron token from POST /opac/login as ${PATRON_TOKEN_HEADER}.`,
    );
  }
  const checked = ctx.patronTokens.verify(token, await ctx.now());
  if (!checked.ok) {
    throw checked.why === 'expired'
      ? tokenProblem('ログインの有効期限が切れました。もう一度ログインしてください。', 'The patron token has expired: log in again.')
      : tokenProblem('利用者のトークンが正しくありません。もう一度ログインしてください。', 'The patron token is not valid: log in again.');
  }
  if (checked.claims.cardNumber !== cardNumber) {
    throw new ApiProblem(
      403,
      'forbidden',
      'ログインした利用者とは別の利用者番号です。ログインした利用者のためにのみ操作できます。',
      'The patron token is for another card number: the OPAC acts only for the patron who logged in.',
      { rule: 'R-ACCOUNT-1' },
    );
  }
  // The whole row: the handler acts for this patron next (actingFor), so it is read once per request.
  const patron = await ctx.deps.db.patron.findUnique({ where: { cardNumber } });
  if (!patron || ctx.patronTokens.revoked(checked.claims, patron)) {
    throw tokenProblem(
      'パスワードが変更されたため、このログインは無効です。もう一度ログインしてください。',
      'The password has changed since this patron token was issued: log in again.',
    );
  }
  return { ...caller, kind: 'patron', cardNumber, patron };
}
