import { bodyDigestOf, rawEventIdOf, RawEventIdentity } from './raw-event-id';

const call: RawEventIdentity = {
  elementKey: 'hubspot',
  instanceId: 42,
  method: 'POST',
  rawQuery: '',
  bodyDigest: bodyDigestOf(Buffer.from('[{"portalId":1}]')),
};

describe('rawEventIdOf', () => {
  it('is the same for the same call and instance, and fits RawEvent.rawEventId', () => {
    expect(rawEventIdOf(call)).toBe(rawEventIdOf({ ...call }));
    expect(rawEventIdOf(call)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('differs by instance, connector, body, method and query', () => {
    const ids = new Set([
      rawEventIdOf(call),
      rawEventIdOf({ ...call, instanceId: 43 }),
      rawEventIdOf({ ...call, elementKey: 'dropbox' }),
      rawEventIdOf({ ...call, bodyDigest: bodyDigestOf(Buffer.from('[]')) }),
      rawEventIdOf({ ...call, method: 'GET' }),
      rawEventIdOf({ ...call, rawQuery: 'a=1' }),
    ]);
    expect(ids.size).toBe(6);
  });

  it('follows the provider delivery id rather than the body when there is one', () => {
    const delivered = { ...call, deliveryId: 'legacy:abc' };
    expect(rawEventIdOf({ ...delivered, bodyDigest: bodyDigestOf(Buffer.from('reordered')) })).toBe(rawEventIdOf(delivered));
    expect(rawEventIdOf(delivered)).not.toBe(rawEventIdOf(call));
  });
});
