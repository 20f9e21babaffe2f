import { Logger } from '@nestjs/common';
import { ConnectorAdapter, OAUTH_CONFIGURATION_KEYS, ProviderSession, ProviderTokens, RefreshingSession } from '@connector-events/connectors';
import { InstanceRecord, InstanceTokensMessage, MessageBus, TOPICS, sealInstanceTokens } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { NormalizerInfrastructureError } from '../normalizing/adapter-failure';
import { NormalizerStore, StoredTokens } from '../store/normalizer-store';
import { ChosenTokens, chooseTokens, snapshotTokens, tokenFingerprint } from './token-choice';

export const TOKENS_REFRESHED_BY = 'normalizer';

/**
 * Provider sessions for the adapters that call their provider while normalizing (Dropbox).
 * Tokens are read only when an adapter asks for one, so adapters that need none cost no query.
 * A refresh is stored (sealed) in the normalizer's own table before anything else, because
 * providers that rotate refresh tokens refuse the old one from then on; it is then published
 * on `oc.instances.tokens.v1` so instance-service records it for every service.
 */
export class InstanceSessions {
  private readonly logger = new Logger(InstanceSessions.name);

  constructor(
    private readonly store: NormalizerStore,
    private readonly bus: MessageBus,
    private readonly secretBox: SecretBox,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  open(instance: InstanceRecord, adapter: ConnectorAdapter): ProviderSession {
    let session: Promise<RefreshingSession> | undefined;
    const ready = (): Promise<RefreshingSession> => (session ??= this.start(instance, adapter));
    return {
      accessToken: async () => (await ready()).accessToken(),
      refreshedAccessToken: async () => (await ready()).refreshedAccessToken(),
    };
  }

  private async start(instance: InstanceRecord, adapter: ConnectorAdapter): Promise<RefreshingSession> {
    const stored = await this.infrastructure('read the stored tokens', () => this.store.refreshedTokens(instance.id));
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
      refreshedBy: TOKENS_REFRESHED_BY,
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
      throw new NormalizerInfrastructureError(`could not ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}
