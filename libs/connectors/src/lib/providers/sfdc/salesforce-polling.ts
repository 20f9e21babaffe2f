import { connectorErrors } from '../../core/connector-errors';
import { PollerConfiguration, PollerResourceConfiguration } from '../../polling/poller-resource-configuration';
import { PollingDefinitions } from '../../polling/polling-definitions';
import { SalesforceHosts } from './salesforce-hosts';
import {
  SALESFORCE_POLLED_OBJECTS,
  SalesforcePolledObject,
  salesforcePollFields,
  salesforcePolledObjectNamed,
} from './salesforce-objects';
import { SalesforceRestApi } from './salesforce-rest-api';
import { SALESFORCE_DATA_PATH, SALESFORCE_PROVIDER_DATA } from './sfdc.descriptor';

const DEFAULT_OBJECTS = ['Account', 'Contact', 'Opportunity'] as const;

/** A SOQL dateTime literal in UTC (`2024-01-01T00:00:00Z`); the poller fills it in, unencoded. */
export const SALESFORCE_SINCE_PLACEHOLDER = "${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}";
/** How the API writes dateTime fields: `2024-01-01T00:00:00.000+0000`. */
export const SALESFORCE_DATE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";

/**
 * Polling through SOQL on `queryAll`, so soft-deleted rows (`IsDeleted = true`, in the recycle
 * bin) come back as deletions. `SystemModstamp` is the cursor: unlike `LastModifiedDate` it also
 * moves for changes made by automation and for deletions. Pages follow `nextRecordsUrl`, relative
 * to the org's `instance_url` (see `apiBaseUrl`).
 */
export class SalesforcePolling implements PollingDefinitions {
  readonly objects: readonly string[] = SALESFORCE_POLLED_OBJECTS.map((object) => object.name);
  readonly defaultObjects: readonly string[] = DEFAULT_OBJECTS;

  constructor(
    /** getUpdated/getDeleted, for the poller's reconciliation runs. */
    readonly restApi: SalesforceRestApi,
    private readonly hosts: SalesforceHosts,
  ) {}

  configuration(objects?: readonly string[]): PollerConfiguration {
    const wanted = objects && objects.length > 0 ? objects : DEFAULT_OBJECTS;
    const unknown = wanted.filter((name) => !salesforcePolledObjectNamed(name));
    if (unknown.length > 0) {
      throw connectorErrors.configurationInvalid(
        `Salesforce cannot poll ${unknown.map((name) => `"${String(name).slice(0, 60)}"`).join(', ')}; ` +
          `the objects it polls are ${this.objects.join(', ')}`,
      );
    }
    const configuration: PollerConfiguration = {};
    for (const name of wanted) {
      const object = salesforcePolledObjectNamed(name);
      if (object) configuration[object.name] = queryAllResource(object);
    }
    return configuration;
  }

  /** The base the resource URLs (and `nextRecordsUrl`) are relative to: the org's `instance_url`. */
  apiBaseUrl(providerData: Readonly<Record<string, string>>): string {
    return this.hosts.apiUrl(providerData[SALESFORCE_PROVIDER_DATA.instanceUrl], '');
  }
}

function queryAllResource(object: SalesforcePolledObject): PollerResourceConfiguration {
  const select = `SELECT ${salesforcePollFields(object).join(', ')} FROM ${object.name} WHERE SystemModstamp > `;
  return {
    url: `${SALESFORCE_DATA_PATH}/queryAll?q=${encodeURIComponent(select)}${SALESFORCE_SINCE_PLACEHOLDER}${encodeURIComponent(' ORDER BY SystemModstamp')}`,
    method: 'GET',
    recordsPath: 'records',
    nextPagePath: 'nextRecordsUrl',
    idField: 'Id',
    filterByUpdatedDate: true,
    datesConfiguration: {
      updatedDateField: 'SystemModstamp',
      updatedDateFormat: SALESFORCE_DATE_FORMAT,
      createdDateField: 'CreatedDate',
      createdDateFormat: SALESFORCE_DATE_FORMAT,
    },
    deleted: { field: 'IsDeleted', value: true },
  };
}
