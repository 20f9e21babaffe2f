import { createHmac, randomInt } from 'node:crypto';
import { BenchInstance } from './hubspot-bench-instances';

/** One HTTP call, ready to send. */
export interface PreparedCall {
  readonly method: 'POST';
  /** Path and query on the service under test. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const EVENTS_PATH = '/elements/api-v2/events/hubspot';

/**
 * HubSpot app webhook calls as HubSpot makes them: a JSON array of events of one portal,
 * signed v3 (base64 HMAC-SHA256 with the client secret over method + public URL + body +
 * timestamp). Prepared before the clock starts, so signing costs the client nothing during
 * the run; v3 allows five minutes between signing and checking.
 */
export function prepareHubSpotCalls(
  count: number,
  instances: readonly BenchInstance[],
  clientSecret: string,
  publicBaseUrl: string,
): PreparedCall[] {
  const publicUrl = `${publicBaseUrl}${EVENTS_PATH}`;
  return Array.from({ length: count }, (_, i) => {
    const instance = instances[i % instances.length];
    if (!instance) throw new Error('no bench instances');
    const now = Date.now();
    const body = JSON.stringify([
      {
        eventId: randomInt(1, 2 ** 47),
        subscriptionId: 1_243_456,
        portalId: instance.portalId,
        appId: 1_160_452,
        occurredAt: now,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: randomInt(100, 10_000_000),
        propertyName: 'lifecyclestage',
        propertyValue: 'customer',
        changeSource: 'CRM',
      },
    ]);
    const timestamp = String(now);
    const signature = createHmac('sha256', clientSecret).update(`POST${publicUrl}${body}${timestamp}`, 'utf8').digest('base64');
    return {
      method: 'POST',
      path: EVENTS_PATH,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio)',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': timestamp,
      },
      body,
    };
  });
}
