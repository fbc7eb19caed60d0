/** Who asks, and how the request reached the library — several rules depend on it (R-RENEW-4, R-CANCEL-*). */

/** My Library in the OPAC, a phone call, the counter, or e-mail. */
export type Channel = 'opac' | 'phone' | 'counter' | 'email';

/** The channel of a renewal request (R-RENEW-4); the same channels as any other request. */
export type RenewChannel = Channel;

/** The patron (in My Library), or staff acting at the counter or on a phone call. */
export type Actor = 'patron' | 'staff';
