import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { SecretBox, SecretBoxError } from './secret-box';
import { MASKED_SECRET, maskSecrets } from './mask-secret';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, for any text and context', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, context) => {
        expect(box.open(box.seal(text, context), context)).toBe(text);
      }),
    );
  });

  it('never shows the plaintext and never seals the same text the same way twice', () => {
    const sealed = [box.seal('refresh-token-123', 'instance:1'), box.seal('refresh-token-123', 'instance:1')];
    expect(sealed[0]).not.toContain('refresh-token-123');
    expect(sealed[0]).not.toBe(sealed[1]);
    expect(sealed[0]).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
  });

  it('refuses another context, another key and tampered text', () => {
    const sealed = box.seal('secret', 'instance:1');
    expect(() => box.open(sealed, 'instance:2')).toThrow(SecretBoxError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'instance:1')).toThrow(SecretBoxError);
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(flipped, 'instance:1')).toThrow(/does not open/);
    expect(() => box.open('v0.abc', 'instance:1')).toThrow(/format v1/);
    expect(() => box.open('v1.abc', 'instance:1')).toThrow(/truncated/);
  });

  it('seals and opens records', () => {
    const values = { accessToken: 'a', refreshToken: 'b' };
    expect(box.openRecord(box.sealRecord(values, 'x'), 'x')).toEqual(values);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('maskSecrets', () => {
  it('masks set secret values and leaves the rest', () => {
    expect(maskSecrets({ 'oauth.api.secret': 's', 'event.notification.signature.key': '', other: 'v' }, new Set(['oauth.api.secret', 'event.notification.signature.key']))).toEqual({
      'oauth.api.secret': MASKED_SECRET,
      'event.notification.signature.key': '',
      other: 'v',
    });
  });
});
