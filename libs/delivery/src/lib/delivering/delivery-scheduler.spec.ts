import { ClaimedDelivery, DeliveryStore } from '../store/delivery-store';
import { DeliveryScheduler } from './delivery-scheduler';

/** Due deliveries in memory, claimed in order like the SQL claim (saturated hosts left out). */
function fakeStore(due: ClaimedDelivery[]): Pick<DeliveryStore, 'claim' | 'release'> & { released: string[] } {
  const released: string[] = [];
  const taken = new Map<string, ClaimedDelivery>();
  return {
    released,
    async claim(_owner, limit, _leaseMs, excludedHosts) {
      const picked = due.filter((d) => !excludedHosts.includes(d.host)).slice(0, limit);
      for (const d of picked) {
        due.splice(due.indexOf(d), 1);
        taken.set(d.id, d);
      }
      return picked;
    },
    async release(_owner, ids) {
      released.push(...ids);
      due.unshift(...ids.map((id) => taken.get(id) as ClaimedDelivery));
    },
  };
}

function delivery(n: number, host: string): ClaimedDelivery {
  return { id: String(n), eventId: `e${n}`, instanceId: 1, organizationId: 1, callbackId: host, callbackUrl: `http://${host}/`, host, body: '{}', attempts: 0, inOrder: false };
}

describe('DeliveryScheduler', () => {
  it('keeps a dead host to its own slots: deliveries to a healthy host behind it in the queue all run', async () => {
    const due = [...Array.from({ length: 20 }, (_, i) => delivery(i, 'dead.example')), ...Array.from({ length: 10 }, (_, i) => delivery(100 + i, 'ok.example'))];
    const store = fakeStore(due);
    const hanging: Array<() => void> = [];
    const done: string[] = [];
    let deadInFlight = 0;
    let deadMax = 0;
    const scheduler = new DeliveryScheduler(
      store as unknown as DeliveryStore,
      async (d) => {
        if (d.host === 'dead.example') {
          deadMax = Math.max(deadMax, ++deadInFlight);
          await new Promise<void>((resolve) => hanging.push(resolve));
          deadInFlight--;
        }
        done.push(d.eventId);
      },
      { owner: 'me', maxConcurrency: 8, maxConcurrencyPerHost: 3, claimBatch: 5, leaseMs: 1000, pollIntervalMs: 5 },
    );
    scheduler.start();
    const healthyDone = (): string[] => done.filter((e) => Number(e.slice(1)) >= 100);
    const deadline = Date.now() + 10_000;
    while (healthyDone().length < 10 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(healthyDone().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `e${100 + i}`).sort());
    expect(deadMax).toBe(3);
    hanging.forEach((resolve) => resolve());
    await scheduler.stop();
  });

  it('gives a reserved slot back, and refuses one when the host or the process is full', () => {
    const scheduler = new DeliveryScheduler(fakeStore([]) as unknown as DeliveryStore, async () => undefined, {
      owner: 'me',
      maxConcurrency: 3,
      maxConcurrencyPerHost: 2,
      claimBatch: 5,
      leaseMs: 1000,
      pollIntervalMs: 1000,
    });
    scheduler.start();
    expect(scheduler.reserve('a')).toEqual({ owner: 'me', leaseMs: 1000 });
    expect(scheduler.reserve('a')).toBeDefined();
    expect(scheduler.reserve('a')).toBeUndefined();
    expect(scheduler.reserve('b')).toBeDefined();
    expect(scheduler.reserve('c')).toBeUndefined();
    scheduler.cancelReservation('a');
    expect(scheduler.reserve('c')).toBeDefined();
    void scheduler.stop();
  });
});
