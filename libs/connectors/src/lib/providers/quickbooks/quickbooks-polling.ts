import { connectorErrors } from '../../core/connector-errors';
import { PollerConfiguration, PollerResourceConfiguration } from '../../polling/poller-resource-configuration';
import { PollingDefinitions } from '../../polling/polling-definitions';

/** Polled object → the entity name the Change Data Capture endpoint takes. */
const POLLED_ENTITIES: Readonly<Record<string, string>> = {
  customers: 'Customer',
  invoices: 'Invoice',
  payments: 'Payment',
  items: 'Item',
  vendors: 'Vendor',
  bills: 'Bill',
  estimates: 'Estimate',
  accounts: 'Account',
};

/** How Intuit writes `MetaData` times (`2015-12-23T12:55:50-08:00`), as a Java date pattern. */
const INTUIT_DATE_FORMAT = "yyyy-MM-dd'T'HH:mm:ssXXX";

/**
 * QuickBooks is polled through Change Data Capture: `GET /v3/company/{realmId}/cdc` returns
 * every entity of the named types changed since a time (at most 30 days back, at most 1,000
 * objects), deletions included as `{"status":"Deleted"}` records. `{realmId}` is filled from the
 * instance's provider data by the poller; `${gmtDate:…}` is the Open Connectors placeholder for
 * the last poll time, written in GMT so the offset is `Z` and needs no URL escaping.
 */
/** What QuickBooks polls; the connector adds the API host (`apiBaseUrl`). */
export const QUICKBOOKS_POLLING: Omit<PollingDefinitions, 'apiBaseUrl'> = {
  objects: Object.keys(POLLED_ENTITIES),
  defaultObjects: ['customers', 'invoices', 'payments'],
  configuration(objects?: readonly string[]): PollerConfiguration {
    const wanted = objects && objects.length > 0 ? objects : QUICKBOOKS_POLLING.defaultObjects;
    const configuration: PollerConfiguration = {};
    for (const object of wanted) {
      const entity = Object.hasOwn(POLLED_ENTITIES, object) ? POLLED_ENTITIES[object] : undefined;
      if (!entity) {
        throw connectorErrors.configurationInvalid(
          `QuickBooks cannot poll "${object.slice(0, 60)}"; the objects it can poll are ${Object.keys(POLLED_ENTITIES).join(', ')}`,
        );
      }
      configuration[object] = changeDataCapture(entity);
    }
    return configuration;
  },
};

function changeDataCapture(entity: string): PollerResourceConfiguration {
  return {
    url: `/v3/company/{realmId}/cdc?entities=${entity}&changedSince=\${gmtDate:${INTUIT_DATE_FORMAT}}&minorversion=75`,
    method: 'GET',
    idField: 'Id',
    filterByUpdatedDate: true,
    datesConfiguration: {
      updatedDateField: 'MetaData.LastUpdatedTime',
      updatedDateFormat: INTUIT_DATE_FORMAT,
      createdDateField: 'MetaData.CreateTime',
      createdDateFormat: INTUIT_DATE_FORMAT,
    },
    // One entity per call, so its records are the first QueryResponse.
    recordsPath: `CDCResponse.0.QueryResponse.0.${entity}`,
    deleted: { field: 'status', value: 'Deleted' },
  };
}
