/** R-ACCOUNT-1: the password a patron chooses after the first login with a temporary password. */

import { allow, refuse, type Outcome } from './refusal';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 20;

/**
 * R-ACCOUNT-1: a new password has 8–20 characters, letters and digits only, and both of them
 * (英数字混在). **Decision**: "letters" are the ASCII letters A–Z and a–z — the OPAC's own form
 * accepts nothing else — and the new password must differ from the current (temporary) one, or the
 * change would change nothing.
 * Order: the length first (the first thing the form says), then the characters, then the mix.
 */
export function checkNewPassword(q: { newPassword: string; currentPassword: string }): Outcome {
  const p = q.newPassword;
  if (p.length < PASSWORD_MIN_LENGTH || p.length > PASSWORD_MAX_LENGTH) {
    return refuse(
      'R-ACCOUNT-1',
      `パスワードは${PASSWORD_MIN_LENGTH}文字以上${PASSWORD_MAX_LENGTH}文字以内で設定してください。`,
      `The password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long.`,
    );
  }
  if (!/^[A-Za-z0-9]+$/.test(p)) {
    return refuse('R-ACCOUNT-1', 'パスワードには半角英字と数字のみ使用できます。', 'The password may contain only letters (A–Z, a–z) and digits.');
  }
  if (!/[A-Za-z]/.test(p) || !/[0-9]/.test(p)) {
    return refuse('R-ACCOUNT-1', 'パスワードは英字と数字を混在させてください。', 'The password must contain both letters and digits.');
  }
  if (p === q.currentPassword) {
    return refuse(
      'R-ACCOUNT-1',
      '新しいパスワードは現在のパスワードと異なるものにしてください。',
      'The new password must differ from the current one.',
    );
  }
  return allow({});
}
