import { DeliveryCounts, EventObjectTally, SteadyWebhookStream, waitFor } from '@connector-events/testing';

/** One fault and what the callback received for the event objects sent since the previous one. */
export interface FaultPhase {
  readonly fault: string;
  /** From the fault's start until the system was whole again (restarted, back up). */
  readonly faultSeconds: number;
  /** From then until every event object sent so far had reached the callback. */
  readonly catchUpSeconds: number;
  readonly counts: DeliveryCounts;
}

/**
 * The bookkeeping of a fault run: after each fault, every event object the provider got
 * accepted so far must reach the callback; the counts of each phase (the objects accepted since
 * the previous checkpoint) are kept for the report.
 */
export class FaultRun {
  readonly phases: FaultPhase[] = [];
  private counted = new Set<string>();

  constructor(
    private readonly stream: SteadyWebhookStream,
    private readonly tally: EventObjectTally,
  ) {}

  /**
   * Waits until webhook-ingest accepts the stream's calls again after a fault (a restarted
   * broker takes its clients a while to find), so the phase's checkpoint covers calls sent
   * through the fault and after it.
   */
  async streamFlowing(timeoutMs: number): Promise<void> {
    const before = this.stream.accepted.size;
    await waitFor(() => (this.stream.accepted.size > before ? true : undefined), {
      timeoutMs,
      intervalMs: 100,
      what: 'webhook-ingest accepting the provider calls again',
    });
  }

  /**
   * Waits until every event object accepted up to now reached the callback, and records the
   * phase. Resolves with its counts; a timeout throws with how many are missing.
   */
  async checkpoint(fault: string, startedAt: number, timeoutMs: number): Promise<DeliveryCounts> {
    const checkpointAt = Date.now();
    const sent = [...this.stream.accepted.keys()];
    const fresh = sent.filter((key) => !this.counted.has(key));
    try {
      await waitFor(() => (this.tally.countsFor(sent).missing === 0 ? true : undefined), {
        timeoutMs,
        intervalMs: 250,
        what: `the ${sent.length} event objects sent so far at the callback`,
      });
    } catch (error) {
      const missing = this.tally.missingOf(sent);
      throw new Error(`${(error as Error).message}: ${missing.length} missing after "${fault}", e.g. ${missing.slice(0, 5).join(', ')}`);
    }
    for (const key of fresh) this.counted.add(key);
    const counts = this.tally.countsFor(fresh);
    this.phases.push({ fault, faultSeconds: (checkpointAt - startedAt) / 1000, catchUpSeconds: (Date.now() - checkpointAt) / 1000, counts });
    return counts;
  }

  /** A table of the phases and the totals, for CI output. */
  report(total: DeliveryCounts | undefined): string {
    const head = ['fault', 'fault s', 'catch-up s', 'sent', 'delivered', 'missing', 'repeated after dedup'];
    const rows = this.phases.map((p) => [p.fault, p.faultSeconds.toFixed(1), p.catchUpSeconds.toFixed(1), p.counts.sent, p.counts.delivered, p.counts.missing, p.counts.repeatedAfterDedup].map(String));
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]): string => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
    const totals = total
      ? [
          `  total: ${total.sent} event objects sent (accepted by webhook-ingest), ${total.delivered} delivered, ${total.missing} missing,`,
          `         ${total.notifications} notifications answered 2xx, ${total.duplicateNotifications} of them duplicates (same message.eventId),`,
          `         ${total.repeatedAfterDedup} event objects repeated after dedup, ${total.unexpected} unexpected`,
        ]
      : ['  total: not reached (the run stopped early)'];
    const stream = this.stream.counts;
    const refused = Object.entries(stream.refusedTries).map(([answer, n]) => `${n} × ${answer}`);
    const provider = `  provider: ${stream.calls} calls, ${stream.acceptedCalls} accepted; tries refused (and retried): ${refused.length > 0 ? refused.join(', ') : 'none'}`;
    return ['', 'fault tests: event objects sent and delivered, per fault', line(head), ...rows.map(line), ...totals, provider, ''].join('\n');
  }
}
