import { WebhookReply } from '../core/inbound-webhook';

/** A plain-text answer; `nosniff` keeps echoed provider input from being read as HTML. */
export function textReply(status: number, body: string): WebhookReply {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body,
  };
}

export function emptyReply(status: number): WebhookReply {
  return { status, headers: {}, body: '' };
}
