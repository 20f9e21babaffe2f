import { Logger } from '@nestjs/common';
import { ConnectorAdapter, OAUTH_CONFIGURATION_KEYS, ProviderSession, ProviderTokens, RefreshingSession } from '@connector-events/connectors';
import { InstanceRecord, InstanceTokensMessage, MessageBus, TOPICS, sealInstanceTokens } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { RefreshedTokensStore, StoredTokens } from './refreshed-tokens-store';
import { ChosenTokens, chooseTokens, snapshotTokens, tokenFingerprint } from './token-choice';

export interface InstanceTokenSessionsOptions {
  /** The service named as `refreshedBy` on `oc.instances.tokens.v1`. */
  readonly refreshedBy: string;
  /** What a failure of the service's own storage or publishing becomes (the normalizer marks it transient). */
  readonly infrastructureError?: (what: string, cause: unknown) => Error;
  readonly clock?: () => Date;
}

/**
 * Provider sessions of the event-path services (the normalizer's Dropbox calls, the poller's
 * polls and subscriptions). The tokens come from the instance snapshot, or from the service's
 * own table while instance-service has not recorded a refresh yet. A refresh is stored (sealed)
 * in that table before anything else, because providers that rotate refresh tokens refuse the
 * old one from then on; it is then published on `oc.instances.tokens.v1` so instance-service
 * records it and the next snapshot carries it to every service.
 */
export class InstanceTokenSessions {
  private readonly logger = new Logger(InstanceTokenSessions.name);
  private readonly clock: () => Date;

  constructor(
    private readonly store: RefreshedTokensStore,
    private readonly bus: MessageBus,
    private readonly secretBox: SecretBox,
    private readonly options: InstanceTokenSessionsOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** A session that reads the tokens only when the adapter first asks for one: adapters that need none cost no query. */
  openLazily(instance: InstanceRecord, adapter: ConnectorAdapter): ProviderSession {
    let session: Promise<RefreshingSession> | undefined;
    const ready = (): Promise<RefreshingSession> => (session ??= this.open(instance, adapter));
    return {
      accessToken: async () => (await ready()).accessToken(),
      refreshedAccessToken: async () => (await ready()).refreshedAccessToken(),
    };
  }

  /** `known`: the stored tokens when the caller read them already (the poller, with its claim), so no query is needed. */
  async open(instance: InstanceRecord, adapter: ConnectorAdapter, known?: { readonly stored: StoredTokens | undefined }): Promise<RefreshingSession> {
    const stored = known ? known.stored : await this.infrastructure('read the stored tokens', () => this.store.refreshedTokens(instance.id));
    const chosen = this.choose(instance, stored);
    if (chosen.own && stored && !stored.reported) await this.report(instance, chosen.tokens, stored);
    // A refresh from our own tokens still replaced the snapshot's: keep that fingerprint.
    const replaced = chosen.own && stored ? stored.replacedAccessToken : tokenFingerprint(chosen.tokens.accessToken);
    return new RefreshingSession(
      adapter.oauth,
      {
        clientId: instance.configuration[OAUTH_CONFIGURATION_KEYS.clientId] ?? '',
        clientSecret: instance.configuration[OAUTH_CONFIGURATION_KEYS.clientSecret] ?? '',
        providerData: chosen.tokens.providerData,
      },
      chosen.tokens,
      (tokens) => this.refreshed(instance, tokens, replaced),
      this.clock,
    );
  }

  private choose(instance: InstanceRecord, stored: StoredTokens | undefined): ChosenTokens {
    try {
      return chooseTokens(instance, stored, this.secretBox);
    } catch (error) {
      // Sealed under another SECRETS_KEY: unusable, so the snapshot's tokens are the best left.
      this.logger.warn({ instanceId: instance.id, err: error instanceof Error ? error.message : String(error) }, 'stored tokens do not open; using the snapshot tokens');
      return { tokens: snapshotTokens(instance), own: false };
    }
  }

  private async refreshed(instance: InstanceRecord, tokens: ProviderTokens, replacedAccessToken: string): Promise<void> {
    const stored: StoredTokens = {
      sealedTokens: sealInstanceTokens(this.secretBox, instance.id, tokens),
      ...(tokens.expiresAt ? { expiresAt: tokens.expiresAt } : {}),
      providerData: tokens.providerData,
      refreshedAt: this.clock().toISOString(),
      replacedAccessToken,
      reported: false,
    };
    await this.infrastructure('store the refreshed tokens', () => this.store.saveRefreshedTokens(instance.id, stored));
    this.logger.log({ instanceId: instance.id, elementKey: instance.elementKey }, 'refreshed the OAuth tokens');
    await this.report(instance, tokens, stored);
  }

  /** Publishes the tokens for instance-service; on failure the next session of the instance tries again. */
  private async report(instance: InstanceRecord, tokens: ProviderTokens, stored: StoredTokens): Promise<void> {
    const message: InstanceTokensMessage = {
      instanceId: instance.id,
      elementKey: instance.elementKey,
      sealedTokens: stored.sealedTokens,
      ...(stored.expiresAt ? { expiresAt: stored.expiresAt } : {}),
      providerData: { ...tokens.providerData },
      refreshedAt: stored.refreshedAt,
      refreshedBy: this.options.refreshedBy,
    };
    await this.infrastructure('publish the refreshed tokens', async () => {
      await this.bus.publish(TOPICS.instanceTokens, [{ value: message }]);
      await this.store.markTokensReported(instance.id, stored.refreshedAt);
    });
  }

  private async infrastructure<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const wrap = this.options.infrastructureError;
      throw wrap ? wrap(what, error) : error;
    }
  }
}
