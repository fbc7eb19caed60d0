// SendGrid's Event Webhook (docs/notices.md, R-MAIL-2): POST /webhooks/sendgrid/events, signed. The
// raw body is verified with SendGrid's own library (@sendgrid/eventwebhook) against the verification
// key SENDGRID_WEBHOOK_PUBLIC_KEY; unsigned, wrongly signed, or with no key configured → 401 and
// nothing changed. Bounces, drops and blocks are marked on the notice and the patron's address.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { recordDeliveryEvents, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyEventWebhook } from '../services/notices';
import type { ApiContext } from './deps';
import { unauthorized } from './auth';
import { sendProblem } from './route';
import { ApiProblem } from './problem';

export const SENDGRID_WEBHOOK_PATH = '/webhooks/sendgrid/events';

/**
 * Mounted before the routers as a middleware of its own, not as one of the API's operations
 * (src/api/route.ts): its caller is SendGrid, authenticated by the signature over the body's exact
 * bytes, so the body is read raw here rather than parsed as JSON first; it is not in the OpenAPI
 * document, which describes the OPAC's and staff's operations (docs/notices.md describes it).
 */
export function sendgridWebhookRouter(ctx: ApiContext): RequestHandler {
  const raw = express.raw({ type: () => true, limit: '1mb' });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || req.path !== SENDGRID_WEBHOOK_PATH) return next();
    raw(req, res, (err?: unknown) => {
      if (err) return next(err);
      handle(ctx, req, res).catch(next);
    });
  };
}

async function handle(ctx: ApiContext, req: Request, res: Response): Promise<void> {
  res.locals.route = SENDGRID_WEBHOOK_PATH;
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const ok = verifyEventWebhook(ctx.deps.sendgridWebhookPublicKey, raw, req.get(SIGNATURE_HEADER), req.get(TIMESTAMP_HEADER));
  if (!ok) {
    return sendProblem(
      res,
      unauthorized(
        'SendGridのイベント通知の署名を確認できません。',
        ctx.deps.sendgridWebhookPublicKey
          ? 'The Event Webhook signature is missing or does not verify.'
          : 'No verification key is configured (SENDGRID_WEBHOOK_PUBLIC_KEY): events are refused.',
      ),
    );
  }
  let events: unknown;
  try {
    events = JSON.parse(raw.toString('utf8'));
  } catch {
    return sendProblem(res, new ApiProblem(400, 'malformed-request', 'イベントをJSONとして読めません。', 'The events are not valid JSON.'));
  }
  res.status(200).json(await recordDeliveryEvents(ctx.deps.db, events));
}
