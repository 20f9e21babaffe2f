import { ProviderFakes, SystemConnector } from './provider-fakes';

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** An instance as `POST /instances` and `GET /instances/{id}` answer it (the fields tests read). */
export interface ApiInstance {
  readonly id: number;
  readonly name: string;
  readonly token: string;
  readonly element: { readonly key: string; readonly hub?: string };
  readonly tags: string[];
  readonly eventsEnabled: boolean;
  readonly providerData: Record<string, unknown>;
  readonly configuration: Record<string, string>;
  readonly [field: string]: unknown;
}

/** The provider-side identity the fake made for the instance's user. */
export interface ProviderAccount {
  /** Dropbox */
  readonly accountId?: string;
  /** HubSpot */
  readonly portalId?: number;
  /** QuickBooks */
  readonly realmId?: string;
  /** Salesforce */
  readonly organizationId?: string;
  /** Microsoft Graph */
  readonly userId?: string;
}

export interface ProvisionRequest {
  readonly name?: string;
  /** `event.notification.callback.url`; events are enabled when it is given. */
  readonly callbackUrl?: string;
  /** `event.notification.signature.key`. */
  readonly signatureKey?: string;
  /** Further configuration entries (`event.vendor.type`, `event.poller.refresh_interval`, `event.objects`, …). */
  readonly configuration?: Record<string, string | number | boolean>;
  readonly tags?: readonly string[];
}

export interface ProvisionedInstance {
  readonly id: number;
  readonly connector: SystemConnector;
  readonly instance: ApiInstance;
  readonly account: ProviderAccount;
  /** The request body that was POSTed (secrets included), for assertions. */
  readonly request: Record<string, unknown>;
}

/**
 * What an Open Connectors user does, over the instances REST API: authorize the app at the
 * provider (the fake's OAuth authority issues the code the redirect would carry), then
 * `POST /instances` with `providerData.code` and the configuration. Every instance it creates
 * carries `tags` (the harness's run tag, so its poller polls them) and is deleted by
 * `deleteCreated()`.
 */
export class OpenConnectorsClient {
  private readonly created = new Set<number>();

  constructor(
    /** `http://host:port/elements/api-v2` */
    readonly apiUrl: string,
    /** `User <secret>, Organization <secret>` */
    readonly authorization: string,
    private readonly fakes: ProviderFakes,
    private readonly defaultTags: readonly string[] = [],
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const answer = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { authorization: this.authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      // not JSON: keep the text
    }
    return { status: answer.status, body: parsed as T, headers: answer.headers };
  }

  /** The OAuth dance at the fake, then `POST /instances`. Throws with the API's message unless 200. */
  async provision(connector: SystemConnector, request: ProvisionRequest = {}): Promise<ProvisionedInstance> {
    const { code, account, providerData } = this.authorize(connector);
    const app = this.fakes.apps[connector];
    const body = {
      element: { key: connector },
      providerData: { code, ...providerData },
      name: request.name ?? `${connector} e2e`,
      tags: [...this.defaultTags, ...(request.tags ?? [])],
      configuration: {
        'oauth.api.key': app.clientId,
        'oauth.api.secret': app.clientSecret,
        'oauth.callback.url': app.redirectUri,
        ...(request.callbackUrl !== undefined
          ? { 'event.notification.enabled': true, 'event.notification.callback.url': request.callbackUrl }
          : {}),
        ...(request.signatureKey !== undefined ? { 'event.notification.signature.key': request.signatureKey } : {}),
        ...request.configuration,
      },
    };
    const answer = await this.request<ApiInstance & { message?: string }>('POST', '/instances', body);
    if (answer.status !== 200) throw new Error(`POST /instances for ${connector} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    this.created.add(answer.body.id);
    return { id: answer.body.id, connector, instance: answer.body, account, request: body };
  }

  async getInstance(id: number): Promise<ApiInstance> {
    return (await this.expectOk<ApiInstance>('GET', `/instances/${id}`)).body;
  }

  /** `GET /instances/{id}/events`: the event log, newest first. */
  async instanceEvents(id: number): Promise<Array<Record<string, unknown>>> {
    return (await this.expectOk<Array<Record<string, unknown>>>('GET', `/instances/${id}/events`)).body;
  }

  async deleteInstance(id: number): Promise<void> {
    const answer = await this.request('DELETE', `/instances/${id}`);
    if (answer.status >= 300 && answer.status !== 404) throw new Error(`DELETE /instances/${id} answered ${answer.status}`);
    this.created.delete(id);
  }

  /** Deletes every instance this client created (tombstones on `oc.instances.v1`); best effort. */
  async deleteCreated(): Promise<void> {
    for (const id of [...this.created]) await this.deleteInstance(id).catch(() => undefined);
  }

  private async expectOk<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const answer = await this.request<T>(method, path, body);
    if (answer.status !== 200) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer;
  }

  /** The user authorizes the app at the provider; the redirect brings the code (and QuickBooks' realmId). */
  private authorize(connector: SystemConnector): { code: string; account: ProviderAccount; providerData: Record<string, string> } {
    const clientId = this.fakes.apps[connector].clientId;
    switch (connector) {
      case 'dropbox': {
        const { accountId, code } = this.fakes.dropbox.linkAccount(clientId);
        return { code, account: { accountId }, providerData: {} };
      }
      case 'hubspot': {
        const { portal, code } = this.fakes.hubspot.installApp(clientId);
        return { code, account: { portalId: portal.portalId }, providerData: {} };
      }
      case 'quickbooks': {
        const { realmId, code } = this.fakes.quickbooks.connectCompany(clientId);
        return { code, account: { realmId }, providerData: { realmId } };
      }
      case 'sfdc': {
        const { organizationId, code } = this.fakes.salesforce.linkOrg(clientId);
        return { code, account: { organizationId }, providerData: {} };
      }
      case 'microsoftgraph': {
        const { user, code } = this.fakes.graph.linkUser(clientId);
        return { code, account: { userId: user.id }, providerData: {} };
      }
    }
  }
}
