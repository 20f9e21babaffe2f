import { connectorErrors } from '../../core/connector-errors';
import { ProviderSession, withAccessToken } from '../../core/provider-session';
import { isoDate } from '../../events/event-object-factory';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { isRecord } from '../../webhooks/webhook-json';
import { SalesforceHosts } from './salesforce-hosts';
import { SALESFORCE_DATA_PATH } from './sfdc.descriptor';

const PROVIDER = 'Salesforce';
/** sObject API names: `Account`, `Invoice__c`, `ns__Invoice__c`. */
const SOBJECT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

/** `sobjects/{type}/updated`: records added or changed in the window (by `SystemModstamp`). */
export interface SalesforceUpdatedIds {
  readonly ids: string[];
  /** ISO 8601 (UTC): the next window should start here. */
  readonly latestDateCovered: string;
}

export interface SalesforceDeletedRecord {
  readonly id: string;
  /** ISO 8601 (UTC). */
  readonly deletedDate: string;
}

/** `sobjects/{type}/deleted`: records deleted in the window, while the delete log still has them. */
export interface SalesforceDeletedRecords {
  readonly deletedRecords: SalesforceDeletedRecord[];
  /**
   * ISO 8601 (UTC): the last physically deleted record. Later than the previous cursor means
   * deletions may have been purged unseen, and a full resync is due.
   */
  readonly earliestDateAvailable?: string;
  readonly latestDateCovered: string;
}

/**
 * The replication resources, for reconciling what SOQL polling saw: windows of at most 30 days
 * back (updated) or 15 days (deleted), `start` before `end`, both UTC with the seconds ignored.
 */
export class SalesforceRestApi {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly hosts: SalesforceHosts,
  ) {}

  async updated(session: ProviderSession, instanceUrl: string | undefined, type: string, start: Date, end: Date): Promise<SalesforceUpdatedIds> {
    const body = await this.window(session, instanceUrl, type, 'updated', start, end);
    const ids = isRecord(body) ? body['ids'] : undefined;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
      throw connectorErrors.responseInvalid(PROVIDER, `sobjects/${type}/updated has no "ids" array of ids`);
    }
    return { ids: ids as string[], latestDateCovered: requiredDate(body, 'latestDateCovered', type, 'updated') };
  }

  async deleted(session: ProviderSession, instanceUrl: string | undefined, type: string, start: Date, end: Date): Promise<SalesforceDeletedRecords> {
    const body = await this.window(session, instanceUrl, type, 'deleted', start, end);
    const records = isRecord(body) ? body['deletedRecords'] : undefined;
    if (!Array.isArray(records)) {
      throw connectorErrors.responseInvalid(PROVIDER, `sobjects/${type}/deleted has no "deletedRecords" array`);
    }
    const deletedRecords = records.map((record, index) => {
      const id = isRecord(record) ? record['id'] : undefined;
      const deletedDate = isRecord(record) && typeof record['deletedDate'] === 'string' ? isoDate(record['deletedDate']) : undefined;
      if (typeof id !== 'string' || id === '' || !deletedDate) {
        throw connectorErrors.responseInvalid(PROVIDER, `sobjects/${type}/deleted deletedRecords[${index}] needs an id and a deletedDate`);
      }
      return { id, deletedDate };
    });
    const earliest = isRecord(body) ? body['earliestDateAvailable'] : undefined;
    return {
      deletedRecords,
      ...(typeof earliest === 'string' && isoDate(earliest) ? { earliestDateAvailable: isoDate(earliest) } : {}),
      latestDateCovered: requiredDate(body, 'latestDateCovered', type, 'deleted'),
    };
  }

  private window(
    session: ProviderSession,
    instanceUrl: string | undefined,
    type: string,
    kind: 'updated' | 'deleted',
    start: Date,
    end: Date,
  ): Promise<unknown> {
    if (!SOBJECT_NAME.test(type)) {
      throw connectorErrors.configurationInvalid(`"${type.slice(0, 80)}" is not a Salesforce object name (such as Account or Invoice__c)`);
    }
    const from = replicationDate(start, 'start');
    const to = replicationDate(end, 'end');
    // Salesforce ignores the seconds; a window inside one minute is empty there, and refused.
    if (from >= to) {
      throw connectorErrors.configurationInvalid(`the ${kind} window must end at least a minute after it starts (${from} → ${to})`);
    }
    const path = `${SALESFORCE_DATA_PATH}/sobjects/${type}/${kind}/?start=${encodeURIComponent(from)}&end=${encodeURIComponent(to)}`;
    const url = this.hosts.apiUrl(instanceUrl, path);
    return withAccessToken(session, (token) =>
      this.http.json<unknown>(PROVIDER, { method: 'GET', url, headers: { authorization: `Bearer ${token}` } }),
    );
  }
}

/** UTC with the seconds dropped, as Salesforce reads it: `2024-05-01T12:30:00+00:00`. */
function replicationDate(date: Date, name: string): string {
  if (!(date instanceof Date) || !Number.isFinite(date.getTime())) {
    throw connectorErrors.configurationInvalid(`the ${name} of the window is not a valid date`);
  }
  return `${date.toISOString().slice(0, 16)}:00+00:00`;
}

function requiredDate(body: unknown, field: string, type: string, kind: string): string {
  const value = isRecord(body) ? body[field] : undefined;
  const date = typeof value === 'string' ? isoDate(value) : undefined;
  if (!date) throw connectorErrors.responseInvalid(PROVIDER, `sobjects/${type}/${kind} has no readable "${field}"`);
  return date;
}
