import { randomInt } from 'node:crypto';
import { StreamPortal, eventObjectKey, signedV3Webhook } from '@connector-events/testing';
import { PreparedCall } from './hubspot-webhook-calls';

const EVENTS_PATH = '/elements/api-v2/events/hubspot';

/** Calls to send, and the event objects they carry (as the callback will name them). */
export interface PreparedBatchCalls {
  readonly calls: PreparedCall[];
  readonly eventKeys: string[];
}

/**
 * HubSpot app webhook calls of `eventsPerCall` `contact.creation` events each, one portal a call,
 * round the portals, signed v3 for `publicBaseUrl` (what webhook-ingest is told it is reached at).
 * Object ids are unique in the run, so each event object is one change at the callback. Signed
 * before the clock starts; v3 allows five minutes between signing and checking.
 */
export function prepareHubSpotBatchCalls(
  count: number,
  eventsPerCall: number,
  portals: readonly StreamPortal[],
  clientSecret: string,
  publicBaseUrl: string,
): PreparedBatchCalls {
  const url = `${publicBaseUrl}${EVENTS_PATH}`;
  const base = randomInt(1, 2 ** 20) * 1_000_000_000;
  const calls: PreparedCall[] = [];
  const eventKeys: string[] = [];
  let next = 1;
  for (let i = 0; i < count; i++) {
    const portal = portals[i % portals.length];
    if (!portal) throw new Error('no portals');
    const now = Date.now();
    const events = Array.from({ length: eventsPerCall }, () => {
      const objectId = base + next++;
      eventKeys.push(eventObjectKey(portal.instanceId, 'contacts', String(objectId)));
      return {
        eventId: randomInt(1, 2 ** 47),
        subscriptionId: 1_243_456,
        portalId: portal.portalId,
        appId: 1_160_452,
        occurredAt: now,
        subscriptionType: 'contact.creation',
        attemptNumber: 0,
        objectId,
        changeFlag: 'NEW',
        changeSource: 'CRM',
      };
    });
    const signed = signedV3Webhook(clientSecret, url, JSON.stringify(events), now);
    calls.push({ method: 'POST', path: EVENTS_PATH, headers: signed.headers, body: signed.body });
  }
  return { calls, eventKeys };
}
