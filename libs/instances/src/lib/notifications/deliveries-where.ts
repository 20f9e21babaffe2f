/** What a `where` clause of the deliveries API may filter on. */
export interface DeliveriesFilter {
  readonly instanceId?: number;
  readonly eventId?: string;
}

const CLAUSE = /^\s*(instanceId|eventId)\s*=\s*(?:'([A-Za-z0-9_.:-]{1,128})'|(\d{1,15}))\s*$/;

/**
 * Reads the CEQL-style `where` of `/notifications/subscriptions/deliveries`: `instanceId = 12`,
 * `eventId = 'abc'`, joined by `and`. Anything else is refused with a message saying what is
 * understood (never a query error).
 */
export function parseDeliveriesWhere(where: string | undefined): { ok: true; filter: DeliveriesFilter } | { ok: false; message: string } {
  if (where === undefined || where.trim() === '') return { ok: true, filter: {} };
  if (where.length > 512) return { ok: false, message: 'where is too long' };
  const filter: { instanceId?: number; eventId?: string } = {};
  for (const clause of where.split(/\s+and\s+/i)) {
    const match = CLAUSE.exec(clause);
    if (!match) {
      return { ok: false, message: "where understands instanceId = <number> and eventId = '<id>', joined by and" };
    }
    const [, field, quoted, number] = match;
    if (field === 'instanceId') {
      const id = Number(number ?? quoted);
      if (!Number.isSafeInteger(id) || id < 1) return { ok: false, message: 'instanceId must be a whole number' };
      filter.instanceId = id;
    } else {
      filter.eventId = quoted ?? number;
    }
  }
  return { ok: true, filter };
}
