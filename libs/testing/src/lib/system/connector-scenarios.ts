import { randomBytes } from 'node:crypto';
import { encodeInstanceSegment } from '@connector-events/connectors';
import { SentWebhook, sendWebhook } from '../fakes/webhook-sender';
import { waitFor } from '../wait-for';
import { ProvisionRequest, ProvisionedInstance } from './open-connectors-client';
import { ProviderFakes, SYSTEM_CONNECTORS, SystemConnector } from './provider-fakes';

/** The slice of a running system a scenario needs (a `RunningSystem` is one). */
export interface ScenarioSystem {
  readonly publicBaseUrl: string;
  readonly fakes: ProviderFakes;
}

/** The event object a change must become (the fields every connector sets), plus connector extras. */
export interface ExpectedEvent {
  readonly objectType: string;
  readonly objectId: string;
  readonly eventType: 'CREATED' | 'UPDATED' | 'DELETED' | 'UNKNOWN';
  /** Provider-specific fields the event object carries too (Dropbox `path`, `name`, `size`). */
  readonly extras?: Record<string, unknown>;
}

/** A change made at the provider, and what must reach the callback for it. */
export interface CausedChange {
  readonly expected: ExpectedEvent;
  /** For a webhook: the body the provider sent, which `message.raw` must equal (arrays under `payload`). */
  readonly webhookBody?: unknown;
  /** For a poll: fields of the provider record, which a record in `message.raw[objectType]` must match. */
  readonly polledRecord?: Record<string, unknown>;
  /** The provider's call that carried the change, and webhook-ingest's answer. */
  readonly providerCall?: SentWebhook;
}

/**
 * How each connector gets its events in Open Connectors, and how to make one change there:
 * Dropbox, HubSpot and Microsoft Graph by webhook (Graph's subscription made by the poller),
 * QuickBooks Online and Salesforce by polling every (harness) minute.
 */
export interface ConnectorScenario {
  readonly connector: SystemConnector;
  readonly method: 'webhook' | 'polling';
  /** The configuration an Open Connectors user gives this connector, beyond the callback. */
  provisionRequest(base: ProvisionRequest): ProvisionRequest;
  /** Makes a change at the provider, the way the provider would report it. */
  causeChange(system: ScenarioSystem, instance: ProvisionedInstance): Promise<CausedChange>;
}

const PROVIDER_CALL_PATIENCE_MS = 60_000;

/** The scenario of each connector. */
export const CONNECTOR_SCENARIOS: Record<SystemConnector, ConnectorScenario> = {
  dropbox: {
    connector: 'dropbox',
    method: 'webhook',
    provisionRequest: (base) => base,
    async causeChange(system, instance) {
      const dropbox = system.fakes.dropbox;
      const accountId = required(instance.account.accountId, 'the Dropbox account');
      // The normalizer reads changes from the cursor it took when events were enabled: change
      // nothing before it has asked for that cursor.
      await waitFor(
        () =>
          dropbox.server
            .requestsTo('POST', '/2/files/list_folder/get_latest_cursor')
            .some((request) => dropbox.oauth.bearer(request)?.subject['account_id'] === accountId) || undefined,
        { timeoutMs: PROVIDER_CALL_PATIENCE_MS, intervalMs: 100, what: `the normalizer to take the Dropbox cursor of instance ${instance.id}` },
      );
      const path = `/Reports/q3-${randomBytes(3).toString('hex')}.pdf`;
      const entry = dropbox.addFile(accountId, path, 48_213);
      const call = dropbox.webhook([accountId], system.fakes.apps.dropbox.clientSecret);
      const providerCall = await sendUntilAccepted(`${system.publicBaseUrl}/elements/api-v2/events/dropbox`, { headers: call.headers, body: call.body });
      return {
        // Dropbox cannot tell a new file from a changed one: UPDATED, with the file's id.
        expected: { objectType: 'files', objectId: String(entry['id']), eventType: 'UPDATED', extras: { path, name: entry['name'], size: 48_213 } },
        webhookBody: JSON.parse(call.body) as unknown,
        providerCall,
      };
    },
  },
  hubspot: {
    connector: 'hubspot',
    method: 'webhook',
    provisionRequest: (base) => ({ ...base, configuration: { 'event.vendor.type': 'webhook', ...base.configuration } }),
    async causeChange(system, instance) {
      const hubspot = system.fakes.hubspot;
      const portalId = required(instance.account.portalId, 'the HubSpot portal');
      hubspot.takeEvents(); // only this change in the call
      const record = hubspot.createRecord(portalId, 'contacts', { email: `ada.${randomBytes(3).toString('hex')}@example.com`, firstname: 'Ada' });
      // The app's target URL is webhook-ingest's public one; the v3 signature covers it.
      const url = `${system.publicBaseUrl}/elements/api-v2/events/hubspot`;
      const call = hubspot.webhookV3(system.fakes.apps.hubspot.clientSecret, { url });
      const providerCall = await sendUntilAccepted(url, { headers: call.headers, body: call.body });
      return {
        expected: { objectType: 'contacts', objectId: record.id, eventType: 'CREATED' },
        webhookBody: { payload: JSON.parse(call.body) as unknown },
        providerCall,
      };
    },
  },
  quickbooks: {
    connector: 'quickbooks',
    method: 'polling',
    provisionRequest: (base) => ({
      ...base,
      configuration: { 'event.vendor.type': 'polling', 'event.poller.refresh_interval': 1, 'event.objects': 'customers', ...base.configuration },
    }),
    async causeChange(system, instance) {
      const realmId = required(instance.account.realmId, 'the QuickBooks company');
      const record = system.fakes.quickbooks.createEntity(realmId, 'Customer', { DisplayName: `Grace ${randomBytes(2).toString('hex')}` });
      return { expected: { objectType: 'customers', objectId: String(record['Id']), eventType: 'CREATED' }, polledRecord: record };
    },
  },
  sfdc: {
    connector: 'sfdc',
    method: 'polling',
    provisionRequest: (base) => ({
      ...base,
      configuration: { 'event.vendor.type': 'polling', 'event.poller.refresh_interval': 1, 'event.objects': 'Account', ...base.configuration },
    }),
    async causeChange(system, instance) {
      const organizationId = required(instance.account.organizationId, 'the Salesforce org');
      const created = system.fakes.salesforce.createRecord(organizationId, 'Account', { Name: `Acme ${randomBytes(2).toString('hex')}` });
      // The poller's SOQL selects some fields, not every one the fake keeps.
      const polledRecord = { Id: created['Id'], Name: created['Name'], SystemModstamp: created['SystemModstamp'], IsDeleted: false };
      return { expected: { objectType: 'Account', objectId: String(created['Id']), eventType: 'CREATED', extras: { name: created['Name'] } }, polledRecord };
    },
  },
  microsoftgraph: {
    connector: 'microsoftgraph',
    method: 'webhook',
    provisionRequest: (base) => ({ ...base, configuration: { 'event.objects': 'messages', ...base.configuration } }),
    async causeChange(system, instance) {
      const graph = system.fakes.graph;
      const segment = `/${encodeInstanceSegment(instance.id)}`;
      // The poller subscribes; Graph validated the notification URL on webhook-ingest first.
      const subscription = await waitFor(() => graph.subscriptions.find((s) => s.notificationUrl.endsWith(segment)), {
        timeoutMs: PROVIDER_CALL_PATIENCE_MS,
        intervalMs: 100,
        what: `the poller to subscribe to Graph for instance ${instance.id}`,
      });
      const messageId = `AAMkAD${randomBytes(12).toString('base64url')}=`;
      const body = graph.notificationBody(subscription.id, 'created', messageId);
      const providerCall = await sendUntilAccepted(subscription.notificationUrl, {
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
      });
      return { expected: { objectType: 'messages', objectId: messageId, eventType: 'CREATED' }, webhookBody: body, providerCall };
    },
  },
};

/** The scenarios in a fixed order. */
export const ALL_CONNECTOR_SCENARIOS: readonly ConnectorScenario[] = SYSTEM_CONNECTORS.map((connector) => CONNECTOR_SCENARIOS[connector]);

/**
 * Sends a provider call again until it is accepted (2xx), as providers retry: right after an
 * instance is created, webhook-ingest may not know it yet and answers 404.
 */
export async function sendUntilAccepted(url: string, call: { headers?: Record<string, string>; body?: string }): Promise<SentWebhook> {
  let last: SentWebhook | undefined;
  try {
    return await waitFor(
      async () => {
        last = await sendWebhook(url, call).catch(() => undefined);
        return last && last.status >= 200 && last.status < 300 ? last : undefined;
      },
      { timeoutMs: PROVIDER_CALL_PATIENCE_MS, intervalMs: 250, what: `${url} to accept the provider call` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last answer ${last ? `${last.status} ${last.text}` : 'none'}`);
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not known for this instance`);
  return value;
}
