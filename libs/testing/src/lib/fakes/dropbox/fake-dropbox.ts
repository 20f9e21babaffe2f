import { createHmac, randomBytes } from 'node:crypto';
import { FakeAnswer, RecordedRequest } from '../fake-http-server';
import { FakeProvider } from '../fake-provider';
import { FakeTokenGrant } from '../fake-oauth-authority';

interface FakeDropboxAccount {
  readonly accountId: string;
  readonly uid: number;
  /** Every change ever made, in order; a cursor is a position in this log. */
  readonly log: Record<string, unknown>[];
}

/** Signed webhook call, ready for `sendWebhook`. */
export interface SignedDropboxWebhook {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * A fake of the Dropbox API parts the connector uses, following the HTTP reference:
 * `/oauth2/token`, `/2/files/list_folder/get_latest_cursor`, `/2/files/list_folder/continue`
 * (cursors, `has_more` paging, `reset` on a stale cursor), and signed webhook bodies.
 */
export class FakeDropbox extends FakeProvider {
  /** Entries per `continue` page; small values exercise `has_more`. */
  pageSize = 2000;
  private readonly accounts = new Map<string, FakeDropboxAccount>();
  /** Bumped by `resetCursors`; older cursors then answer `reset`. */
  private cursorEpoch = 0;
  private nextUid = 1000;

  constructor() {
    super('Dropbox', { accessTokenTtlSeconds: 14_400, rotateRefreshTokens: false, tokenPrefix: 'sl.' });
    this.server
      .route('POST', '/oauth2/token', (r) => this.token(r))
      .route('POST', '/2/files/list_folder/get_latest_cursor', (r) => this.rpc(r, (account) => this.latestCursor(account)))
      .route('POST', '/2/files/list_folder/continue', (r) => this.rpc(r, (account, body) => this.continue(account, body)));
  }

  /** A Dropbox user who authorizes the app: returns the account id and the code for the redirect. */
  linkAccount(clientId: string): { accountId: string; code: string } {
    const accountId = `dbid:${randomBytes(18).toString('base64url')}`;
    const uid = this.nextUid++;
    this.accounts.set(accountId, { accountId, uid, log: [] });
    return { accountId, code: this.oauth.issueCode(clientId, { account_id: accountId, uid: String(uid) }) };
  }

  addFile(accountId: string, path: string, size = 1024): Record<string, unknown> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return this.append(accountId, {
      '.tag': 'file',
      name: path.split('/').pop(),
      id: `id:${randomBytes(9).toString('base64url')}`,
      client_modified: now,
      server_modified: now,
      rev: randomBytes(7).toString('hex'),
      size,
      path_lower: path.toLowerCase(),
      path_display: path,
      is_downloadable: true,
      content_hash: randomBytes(32).toString('hex'),
    });
  }

  addFolder(accountId: string, path: string): Record<string, unknown> {
    return this.append(accountId, {
      '.tag': 'folder',
      name: path.split('/').pop(),
      id: `id:${randomBytes(9).toString('base64url')}`,
      path_lower: path.toLowerCase(),
      path_display: path,
    });
  }

  deleteEntry(accountId: string, path: string): Record<string, unknown> {
    return this.append(accountId, {
      '.tag': 'deleted',
      name: path.split('/').pop(),
      path_lower: path.toLowerCase(),
      path_display: path,
    });
  }

  /** Appends any entry, well-formed or not (property tests). */
  appendRaw(accountId: string, entry: Record<string, unknown>): void {
    this.append(accountId, entry);
  }

  /** Makes every cursor handed out so far invalid, as Dropbox does after long disuse. */
  resetCursors(): void {
    this.cursorEpoch++;
  }

  /** The notification Dropbox sends when these accounts changed, signed with the app secret. */
  webhook(accountIds: readonly string[], appSecret: string): SignedDropboxWebhook {
    const uids = accountIds.map((id) => this.accounts.get(id)?.uid ?? 0);
    const body = JSON.stringify({ list_folder: { accounts: accountIds }, delta: { users: uids } });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'DropboxWebhooks/1.0',
        'x-dropbox-signature': createHmac('sha256', appSecret).update(body).digest('hex'),
      },
    };
  }

  private append(accountId: string, entry: Record<string, unknown>): Record<string, unknown> {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`no fake Dropbox account ${accountId}`);
    account.log.push(entry);
    return entry;
  }

  private token(request: RecordedRequest): FakeAnswer {
    const outcome = this.oauth.token(request);
    if (!outcome.ok) {
      return { status: outcome.refusal.status, json: { error: outcome.refusal.error, error_description: outcome.refusal.description } };
    }
    const { grant } = outcome;
    const base = { access_token: grant.accessToken, token_type: 'bearer', expires_in: grant.expiresIn };
    if (request.form?.['grant_type'] === 'refresh_token') return { status: 200, json: base };
    return {
      status: 200,
      json: {
        ...base,
        refresh_token: grant.refreshToken,
        scope: 'files.metadata.read',
        uid: grant.subject['uid'],
        account_id: grant.subject['account_id'],
      },
    };
  }

  /** Dropbox RPC endpoints: bearer auth, a JSON body with the exact content type. */
  private rpc(
    request: RecordedRequest,
    handle: (account: FakeDropboxAccount, body: Record<string, unknown>) => FakeAnswer,
  ): FakeAnswer {
    const grant: FakeTokenGrant | undefined = this.oauth.bearer(request);
    if (!grant) {
      return { status: 401, json: { error_summary: 'expired_access_token/', error: { '.tag': 'expired_access_token' } } };
    }
    if (!request.headers['content-type']?.startsWith('application/json') || typeof request.json !== 'object') {
      return { status: 400, text: `Error in call to API function "${request.path.slice(3)}": Bad HTTP "Content-Type" header` };
    }
    const account = this.accounts.get(grant.subject['account_id'] ?? '');
    if (!account) return { status: 401, json: { error_summary: 'invalid_access_token/', error: { '.tag': 'invalid_access_token' } } };
    return handle(account, request.json as Record<string, unknown>);
  }

  private latestCursor(account: FakeDropboxAccount): FakeAnswer {
    return { status: 200, json: { cursor: this.cursor(account.accountId, account.log.length) } };
  }

  private continue(account: FakeDropboxAccount, body: Record<string, unknown>): FakeAnswer {
    const position = this.position(account.accountId, body['cursor']);
    if (position === undefined) {
      return { status: 409, json: { error_summary: 'reset/..', error: { '.tag': 'reset' } } };
    }
    const entries = account.log.slice(position, position + this.pageSize);
    const next = position + entries.length;
    return {
      status: 200,
      json: { entries, cursor: this.cursor(account.accountId, next), has_more: next < account.log.length },
    };
  }

  private cursor(accountId: string, position: number): string {
    return `AAE${Buffer.from(JSON.stringify([accountId, position, this.cursorEpoch])).toString('base64url')}`;
  }

  private position(accountId: string, cursor: unknown): number | undefined {
    if (typeof cursor !== 'string' || !cursor.startsWith('AAE')) return undefined;
    try {
      const [owner, position, epoch] = JSON.parse(Buffer.from(cursor.slice(3), 'base64url').toString('utf8')) as [string, number, number];
      return owner === accountId && epoch === this.cursorEpoch ? position : undefined;
    } catch {
      return undefined;
    }
  }
}
