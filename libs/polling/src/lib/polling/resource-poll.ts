import {
  ConnectorDescriptor,
  PollerResourceConfiguration,
  ProviderHttpClient,
  ProviderSession,
  expandPollerBody,
  ISO_8601_FORMAT,
  expandPollerUrl,
  nextPollingWatermark,
  normalizePolledRecords,
  withAccessToken,
} from '@connector-events/connectors';
import { ResourceWatermark } from '../store/poller-store';
import { PageRequest, fetchProviderPage } from './provider-pages';

/** A poll follows the provider's paging to the end, up to this many pages; the next poll resumes. */
export const MAX_PAGES_PER_POLL = 100;

export interface ResourcePollInput {
  readonly http: ProviderHttpClient;
  readonly session: ProviderSession;
  readonly descriptor: ConnectorDescriptor;
  readonly baseUrl: string;
  readonly objectType: string;
  readonly configuration: PollerResourceConfiguration;
  readonly providerData: Readonly<Record<string, string>>;
  /** Where this resource stands; the first poll of an enablement starts at the enablement. */
  readonly state: ResourceWatermark;
  /** When events were enabled: nothing updated before it is reported. */
  readonly enabledAt: Date;
  readonly pollDate: Date;
  readonly now?: () => number;
}

export interface ResourcePollResult {
  /** The records changed since the last poll, each once: what the raw event carries. */
  readonly records: unknown[];
  /** What to store once the raw event is acknowledged. */
  readonly next: ResourceWatermark;
  /** The time the poll asked from. */
  readonly since: Date;
}

/**
 * How finely the provider writes updated dates: a record changed in the same second as the
 * watermark, but after it, reads as that whole second (QuickBooks writes no milliseconds).
 */
export function datePrecisionMs(configuration: PollerResourceConfiguration): number {
  const format = configuration.datesConfiguration?.updatedDateFormat ?? ISO_8601_FORMAT;
  if (format === 'milliseconds') return 1;
  const fields = format.replace(/'[^']*'/g, '');
  if (fields.includes('S')) return 1;
  if (fields.includes('s')) return 1000;
  if (fields.includes('m')) return 60_000;
  return 86_400_000;
}

/**
 * Where a poll asks from: the watermark less `pollDelay`, never before events were enabled,
 * rounded down to the provider's date precision and one millisecond earlier, so a record dated
 * in the watermark's own second is read again rather than lost (the overlap list drops the
 * repeats).
 */
export function pollSince(watermark: Date, enabledAt: Date, configuration: PollerResourceConfiguration): Date {
  const precision = datePrecisionMs(configuration);
  const floor = (time: number) => Math.floor(time / precision) * precision;
  const delayMs = (configuration.pollDelay ?? 0) * 1000;
  return new Date(Math.max(floor(watermark.getTime() - delayMs), floor(enabledAt.getTime())) - 1);
}

/**
 * One resource of one poll: asks from `watermark - pollDelay`, follows the pages, keeps the
 * records Open Connectors change detection keeps (updated after that time, with an id), and
 * leaves out those already reported by an earlier poll inside the `pollDelay` overlap (same id,
 * same updated date). The watermark moves as `nextPollingWatermark` says.
 */
export async function pollResource(input: ResourcePollInput): Promise<ResourcePollResult> {
  const { configuration, state, pollDate } = input;
  const since = pollSince(state.watermark, input.enabledAt, configuration);
  const context = { since, now: pollDate, providerData: input.providerData };
  const path = expandPollerUrl(configuration.url, context);
  const base = input.baseUrl.replace(/\/+$/, '');
  let request: PageRequest | undefined = {
    method: configuration.method ?? (configuration.body ? 'POST' : 'GET'),
    url: /^https?:\/\//i.test(path) ? path : `${base}${path.startsWith('/') ? '' : '/'}${path}`,
    ...(configuration.body ? { body: expandPollerBody(configuration.body, context) } : {}),
  };
  const reading = {
    provider: input.descriptor.displayName,
    baseUrl: input.baseUrl,
    ...(configuration.recordsPath ? { recordsPath: configuration.recordsPath } : {}),
    ...(configuration.nextPagePath ? { nextPagePath: configuration.nextPagePath } : {}),
  };
  const now = input.now ?? Date.now;
  const reported = new Map(Object.entries(state.recent));
  const records: unknown[] = [];
  const latestDates: (Date | undefined)[] = [];
  let pages = 0;
  while (request && pages < MAX_PAGES_PER_POLL) {
    const asked: PageRequest = request;
    const page = await withAccessToken(input.session, (token) => fetchProviderPage(input.http, reading, asked, token, now));
    pages += 1;
    const normalized = normalizePolledRecords({
      descriptor: input.descriptor,
      objectType: input.objectType,
      records: page.records,
      configuration,
      since,
      pollDate,
    });
    latestDates.push(normalized.latestUpdatedDate);
    const kept = normalized.raw[input.objectType] as unknown[];
    normalized.events.forEach((event, index) => {
      const updated = Date.parse(event.date);
      const before = reported.get(event.objectId);
      if (before !== undefined && Number.isFinite(updated) && before >= updated) return;
      reported.set(event.objectId, updated);
      records.push(kept[index]);
    });
    request = page.next;
  }
  const watermark = nextPollingWatermark({ previous: state.watermark, updatedDates: latestDates, pollDate, complete: request === undefined });
  // Only records the next query can still return (updated after its `since`) need remembering.
  const cutoff = pollSince(watermark, input.enabledAt, configuration).getTime();
  const recent: Record<string, number> = {};
  for (const [id, updated] of reported) if (Number.isFinite(updated) && updated > cutoff) recent[id] = updated;
  return { records, next: { watermark, recent }, since };
}
