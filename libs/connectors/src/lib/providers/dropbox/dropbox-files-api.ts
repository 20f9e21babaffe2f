import { connectorErrors } from '../../core/connector-errors';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { ProviderHttpClient, parseJson } from '../../http/provider-http-client';
import { isRecord } from '../../webhooks/webhook-json';
import { DropboxHost } from './dropbox.descriptor';

/** One `entries[]` item of `ListFolderResult`: a tagged union on `.tag`. */
export type DropboxEntry = Record<string, unknown> & { '.tag'?: unknown };

export interface DropboxChanges {
  readonly entries: DropboxEntry[];
  readonly cursor: string;
}

/** Enough pages for a burst of changes; a longer backlog continues on the next webhook. */
const MAX_PAGES_PER_CALL = 50;

/** The files API calls the webhook needs: the first cursor, and the changes since a cursor. */
export class DropboxFilesApi {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly endpoints: ProviderEndpoints<DropboxHost>,
  ) {}

  /** `/2/files/list_folder/get_latest_cursor` on the whole account, deletions included. */
  async latestCursor(token: string): Promise<string> {
    const body = await this.http.json('Dropbox', {
      method: 'POST',
      url: this.endpoints.url('api', '/2/files/list_folder/get_latest_cursor'),
      headers: { authorization: `Bearer ${token}` },
      json: { path: '', recursive: true, include_deleted: true },
    });
    return cursorOf(body);
  }

  /**
   * `/2/files/list_folder/continue` until `has_more` is false. Returns `undefined` when Dropbox
   * answers `reset` (the cursor is no longer valid): the caller starts over from the latest cursor.
   */
  async changesSince(token: string, cursor: string): Promise<DropboxChanges | undefined> {
    const entries: DropboxEntry[] = [];
    let current = cursor;
    for (let page = 0; page < MAX_PAGES_PER_CALL; page++) {
      const response = await this.http.send('Dropbox', {
        method: 'POST',
        url: this.endpoints.url('api', '/2/files/list_folder/continue'),
        headers: { authorization: `Bearer ${token}` },
        json: { cursor: current },
      });
      if (response.status === 401) throw connectorErrors.unauthorized('Dropbox');
      if (response.status === 409 && response.text.includes('reset')) return undefined;
      if (response.status !== 200) {
        const retryable = response.status === 429 || response.status >= 500;
        throw connectorErrors.requestFailed('Dropbox', `list_folder/continue answered ${response.status}`, retryable);
      }
      const body = parseJson<unknown>('Dropbox', response.text);
      if (!isRecord(body) || !Array.isArray(body['entries'])) {
        throw connectorErrors.responseInvalid('Dropbox', 'list_folder/continue has no entries array');
      }
      entries.push(...body['entries'].filter(isRecord));
      current = cursorOf(body);
      if (body['has_more'] !== true) break;
    }
    return { entries, cursor: current };
  }
}

function cursorOf(body: unknown): string {
  if (isRecord(body) && typeof body['cursor'] === 'string' && body['cursor'] !== '') return body['cursor'];
  throw connectorErrors.responseInvalid('Dropbox', 'the answer has no cursor');
}
