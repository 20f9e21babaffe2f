import { connectorErrors } from '../core/connector-errors';

export interface PollingWatermarkInput {
  /** The watermark this poll started from (as stored: `pollDelay` not subtracted). */
  readonly previous: Date;
  /** Updated dates of the records read (`latestUpdatedDate` of each page; undefined when unreadable). */
  readonly updatedDates: readonly (Date | undefined)[];
  /** When this poll ran. */
  readonly pollDate: Date;
  /**
   * False when the poll stopped before the provider's last page (a page limit). Pages are
   * asked oldest first, so the next poll resumes after the newest record read. Default true.
   */
  readonly complete?: boolean;
}

/**
 * The watermark the next poll starts from; it never goes backwards.
 *
 * Overlap rule: the query asks from `watermark - pollDelay` (subtracted at query time, see
 * `PollerTemplateContext.since`), and change detection skips records updated at or before that
 * `since`. Records updated inside the `pollDelay` window are therefore read, and reported, again
 * by the next poll: delivery is at least once, never lost to a lagging search index.
 *
 * - A complete poll saw everything up to its own start, so the watermark becomes `pollDate`
 *   (Open Connectors keeps the last poll time), or a later updated date when the provider's
 *   clock runs ahead of ours. It must move on like this even when records came back: were it
 *   the newest updated date, a record inside the `pollDelay` window would come back, and be
 *   reported, at every poll for as long as nothing newer changed. Because the watermark moves
 *   with each poll, a change is repeated only while it is less than `pollDelay` old.
 * - An incomplete poll resumes 1 ms before the newest updated date it read, so records sharing
 *   that date on the next page are not skipped; without readable dates it cannot tell how far it
 *   got and keeps the previous watermark (repeating beats losing).
 */
export function nextPollingWatermark(input: PollingWatermarkInput): Date {
  const previous = validTime(input.previous, 'previous watermark');
  const pollDate = validTime(input.pollDate, 'pollDate');
  let newest: number | undefined;
  for (const date of input.updatedDates) {
    const time = date instanceof Date ? date.getTime() : Number.NaN;
    if (Number.isFinite(time)) newest = Math.max(newest ?? time, time);
  }
  if (input.complete === false) return new Date(newest === undefined ? previous : Math.max(previous, newest - 1));
  return new Date(Math.max(previous, pollDate, newest ?? pollDate));
}

function validTime(date: Date, name: string): number {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(time)) throw connectorErrors.configurationInvalid(`the ${name} is not a valid date`);
  return time;
}
