import { request } from 'undici';

export interface SentWebhook {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

/** Sends one webhook call exactly as given: the body bytes are the bytes that were signed. */
export async function sendWebhook(
  url: string,
  call: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<SentWebhook> {
  const answer = await request(url, {
    method: (call.method ?? 'POST') as 'POST',
    headers: call.headers,
    body: call.body,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: answer.statusCode, headers, text: await answer.body.text() };
}
