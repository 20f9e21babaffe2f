import { parseDeliveriesWhere } from './deliveries-where';

describe('parseDeliveriesWhere', () => {
  it('reads instanceId and eventId clauses joined by and', () => {
    expect(parseDeliveriesWhere(undefined)).toEqual({ ok: true, filter: {} });
    expect(parseDeliveriesWhere("instanceId = 12 and eventId = 'e-1'")).toEqual({ ok: true, filter: { instanceId: 12, eventId: 'e-1' } });
    expect(parseDeliveriesWhere("instanceId='7'")).toEqual({ ok: true, filter: { instanceId: 7 } });
  });

  it.each(["instanceId = 1 or 1 = 1", "eventId = 'x'; DROP TABLE", 'instanceId = 0', 'name = 3', "eventId = 'a b'", 'x'.repeat(600)])('refuses %s', (where) => {
    expect(parseDeliveriesWhere(where).ok).toBe(false);
  });
});
