import { randomBytes } from 'node:crypto';
import { InstanceRecord, sealInstanceTokens } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { StoredTokens } from './refreshed-tokens-store';
import { chooseTokens, tokenFingerprint } from './token-choice';

const box = new SecretBox(randomBytes(32));

function snapshot(accessToken: string): InstanceRecord {
  return {
    id: 5,
    version: 2,
    organizationId: 1,
    userId: 1,
    elementKey: 'dropbox',
    name: 'd',
    tags: [],
    eventsEnabled: true,
    configuration: {},
    providerData: { account_id: 'dbid:1' },
    tokens: { accessToken, refreshToken: 'rt-snapshot', expiresAt: '2026-01-01T00:00:00.000Z' },
    updatedDate: '2026-01-01T00:00:00.000Z',
  };
}

const stored = (replacing: string): StoredTokens => ({
  sealedTokens: sealInstanceTokens(box, 5, { accessToken: 'at-ours', refreshToken: 'rt-ours' }),
  expiresAt: '2026-01-01T04:00:00.000Z',
  providerData: { uid: '12' },
  refreshedAt: '2026-01-01T00:30:00.000Z',
  replacedAccessToken: tokenFingerprint(replacing),
  reported: false,
});

describe('chooseTokens', () => {
  it('takes the snapshot tokens when the service refreshed none', () => {
    expect(chooseTokens(snapshot('at-1'), undefined, box)).toEqual({
      own: false,
      tokens: { accessToken: 'at-1', refreshToken: 'rt-snapshot', expiresAt: '2026-01-01T00:00:00.000Z', tokenType: 'bearer', providerData: { account_id: 'dbid:1' } },
    });
  });

  it('prefers its own refreshed tokens while the snapshot still shows the token they replaced', () => {
    expect(chooseTokens(snapshot('at-1'), stored('at-1'), box)).toEqual({
      own: true,
      tokens: {
        accessToken: 'at-ours',
        refreshToken: 'rt-ours',
        expiresAt: '2026-01-01T04:00:00.000Z',
        tokenType: 'bearer',
        providerData: { account_id: 'dbid:1', uid: '12' },
      },
    });
  });

  it('follows the snapshot once it shows anything else: these tokens recorded, or newer ones from elsewhere', () => {
    expect(chooseTokens(snapshot('at-ours'), stored('at-1'), box).own).toBe(false);
    expect(chooseTokens(snapshot('at-from-the-poller'), stored('at-1'), box)).toMatchObject({ own: false, tokens: { accessToken: 'at-from-the-poller' } });
  });
});
