import { EventObject } from '@connector-events/event-schema';
import { ConnectorInstance, OAUTH_CONFIGURATION_KEYS } from '../../core/connector-instance';
import { connectorErrors } from '../../core/connector-errors';
import { InboundWebhook, WebhookReply, WebhookRoute } from '../../core/inbound-webhook';
import { withAccessToken } from '../../core/provider-session';
import {
  NormalizeContext,
  NormalizedEvents,
  WebhookHandler,
  WebhookNormalizeInput,
} from '../../core/webhook-handler';
import { EventObjectFactory } from '../../events/event-object-factory';
import { explicitInstanceIds } from '../../webhooks/explicit-instance-ids';
import { hmacDigest, safeEqual } from '../../webhooks/signatures';
import { emptyReply, textReply } from '../../webhooks/webhook-replies';
import { isRecord, parseWebhookJson } from '../../webhooks/webhook-json';
import { DropboxEntry, DropboxFilesApi } from './dropbox-files-api';

const SIGNATURE_HEADER = 'x-dropbox-signature';
const CURSOR_STATE = 'cursor';
const MAX_ACCOUNTS_PER_CALL = 1000;

/**
 * Dropbox webhooks are thin: the body names only the accounts that changed
 * (`list_folder.accounts`), signed with the app secret as hex HMAC-SHA256. The changes
 * themselves come from `list_folder/continue` with the cursor kept per instance.
 */
export class DropboxWebhook implements WebhookHandler {
  readonly acceptedReply: WebhookReply = emptyReply(200);
  readonly secretConfigurationKeys = [OAUTH_CONFIGURATION_KEYS.clientSecret];

  constructor(
    private readonly files: DropboxFilesApi,
    private readonly events: EventObjectFactory,
  ) {}

  /** The verification request: `GET ?challenge=…`, echoed as text/plain with nosniff. */
  handshake(request: InboundWebhook): WebhookReply | undefined {
    const challenge = request.query['challenge'];
    return request.method === 'GET' && challenge !== undefined ? textReply(200, challenge) : undefined;
  }

  route(request: InboundWebhook): WebhookRoute {
    const body = parseWebhookJson(request.rawBody);
    const accounts = isRecord(body) && isRecord(body['list_folder']) ? body['list_folder']['accounts'] : undefined;
    if (!Array.isArray(accounts) || !accounts.every((a) => typeof a === 'string')) {
      throw connectorErrors.payloadInvalid('a Dropbox notification needs list_folder.accounts, an array of account ids');
    }
    if (accounts.length > MAX_ACCOUNTS_PER_CALL) {
      throw connectorErrors.payloadInvalid(`list_folder.accounts holds more than ${MAX_ACCOUNTS_PER_CALL} ids`);
    }
    return {
      instanceIds: explicitInstanceIds(request),
      providerKeys: [...new Set(accounts as string[])].map((account) => `account:${account}`),
    };
  }

  instanceKeys(instance: ConnectorInstance): string[] {
    const account = instance.providerData['account_id'];
    return account ? [`account:${account}`] : [];
  }

  verify(request: InboundWebhook, instance: ConnectorInstance): void {
    const received = request.headers[SIGNATURE_HEADER];
    if (!received) throw connectorErrors.signatureMissing('X-Dropbox-Signature');
    const secret = instance.configuration[OAUTH_CONFIGURATION_KEYS.clientSecret] ?? '';
    const expected = hmacDigest('sha256', secret, request.rawBody, 'hex');
    if (!secret || !safeEqual(expected, received.toLowerCase())) {
      throw connectorErrors.signatureInvalid('X-Dropbox-Signature');
    }
  }

  async initialState(_instance: ConnectorInstance, context: NormalizeContext): Promise<Record<string, string>> {
    const cursor = await withAccessToken(context.session, (token) => this.files.latestCursor(token));
    return { [CURSOR_STATE]: cursor };
  }

  async normalize(input: WebhookNormalizeInput, context: NormalizeContext): Promise<NormalizedEvents> {
    const raw = isRecord(input.body) ? input.body : { body: input.body };
    const cursor = input.state[CURSOR_STATE];
    if (!cursor) {
      // Events were enabled before a cursor was stored: start from now, as a first poll would.
      const state = await this.initialState(input.instance, context);
      return { events: [], raw, stateUpdates: state };
    }
    const changes = await withAccessToken(context.session, (token) => this.files.changesSince(token, cursor));
    if (!changes) {
      const state = await this.initialState(input.instance, context);
      return { events: [], raw, stateUpdates: state };
    }
    const events = changes.entries.flatMap((entry) => this.toEvent(entry, input.receivedAt));
    return { events, raw, stateUpdates: { [CURSOR_STATE]: changes.cursor } };
  }

  /**
   * `file` and `folder` entries say only that the path now holds this item, so a file is
   * UPDATED (Dropbox does not tell creation from edit) and a folder CREATED (folders are not
   * edited); `deleted` entries have no id, so their path is the id.
   */
  private toEvent(entry: DropboxEntry, receivedAt: Date): EventObject[] {
    const tag = entry['.tag'];
    const path = text(entry['path_display']) ?? text(entry['path_lower']);
    const name = text(entry['name']);
    if (tag === 'file' || tag === 'folder') {
      const id = text(entry['id']) ?? path;
      if (!id) return [];
      return [
        this.events.create(
          {
            objectType: tag === 'file' ? 'files' : 'folders',
            objectId: id,
            eventType: tag === 'file' ? 'UPDATED' : 'CREATED',
            date: text(entry['server_modified']),
            name,
            path,
            size: typeof entry['size'] === 'number' ? entry['size'] : undefined,
          },
          receivedAt,
        ),
      ];
    }
    if (tag === 'deleted' && path) {
      return [this.events.create({ objectType: 'files', objectId: path, eventType: 'DELETED', name, path }, receivedAt)];
    }
    return [];
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
