import { connectorErrors } from '../../core/connector-errors';
import { PollerConfiguration, PollerResourceConfiguration } from '../../polling/poller-resource-configuration';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { PollingDefinitions } from '../../polling/polling-definitions';
import { HubSpotObject, hubSpotObjectNamed } from './hubspot-objects';

/** What a poll asks for: HubSpot's default search properties of each object, both dates included. */
const POLL_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  contacts: ['email', 'firstname', 'lastname', 'createdate', 'lastmodifieddate', 'hs_object_id'],
  companies: ['name', 'domain', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: ['dealname', 'amount', 'closedate', 'pipeline', 'dealstage', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  tickets: [
    'subject',
    'content',
    'hs_pipeline',
    'hs_pipeline_stage',
    'hs_ticket_priority',
    'hs_ticket_category',
    'createdate',
    'hs_lastmodifieddate',
    'hs_object_id',
  ],
};
const POLLED_OBJECTS = Object.keys(POLL_PROPERTIES);
const DEFAULT_OBJECTS = ['contacts', 'companies', 'deals'] as const;

/** `createdAt`/`updatedAt` of search results: ISO 8601 with milliseconds and `Z`. */
const SEARCH_DATE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
const PAGE_SIZE = 100;
/** Seconds: new and changed records take a few moments to reach the search index. */
const SEARCH_INDEX_LAG = 60;

/**
 * Polling through CRM search: records whose last-modified date is at or after the last poll
 * (`${epoch}`, ms), oldest first, paged with `after`. Search cannot see deletions; those come
 * from `*.deletion` webhooks.
 */
export class HubSpotPolling implements PollingDefinitions {
  readonly objects: readonly string[] = POLLED_OBJECTS;
  readonly defaultObjects: readonly string[] = DEFAULT_OBJECTS;

  constructor(private readonly endpoints: ProviderEndpoints<'api'>) {}

  apiBaseUrl(): string {
    return this.endpoints.url('api', '');
  }

  configuration(objects?: readonly string[]): PollerConfiguration {
    const wanted = objects && objects.length > 0 ? [...new Set(objects)] : DEFAULT_OBJECTS;
    const unknown = wanted.filter((name) => !this.objects.includes(name));
    if (unknown.length > 0) {
      throw connectorErrors.configurationInvalid(
        `HubSpot cannot poll ${unknown.map((name) => `"${name.slice(0, 60)}"`).join(', ')}; the objects it polls are ${this.objects.join(', ')}`,
      );
    }
    const configuration: PollerConfiguration = {};
    for (const name of wanted) {
      const object = hubSpotObjectNamed(name);
      if (object) configuration[name] = searchResource(object);
    }
    return configuration;
  }
}

function searchResource(object: HubSpotObject): PollerResourceConfiguration {
  const modified = object.lastModifiedProperty;
  return {
    url: `/crm/v3/objects/${object.name}/search`,
    method: 'POST',
    body: {
      filterGroups: [{ filters: [{ propertyName: modified, operator: 'GTE', value: '${epoch}' }] }],
      sorts: [{ propertyName: modified, direction: 'ASCENDING' }],
      properties: [...(POLL_PROPERTIES[object.name] ?? [])],
      limit: PAGE_SIZE,
    },
    recordsPath: 'results',
    nextPagePath: 'paging.next.after',
    idField: 'id',
    filterByUpdatedDate: true,
    datesConfiguration: {
      updatedDateField: 'updatedAt',
      updatedDateFormat: SEARCH_DATE_FORMAT,
      createdDateField: 'createdAt',
      createdDateFormat: SEARCH_DATE_FORMAT,
    },
    // HubSpot stamps updatedAt a moment after createdAt on creation; 10 s, as Cloud Elements used.
    createdCheckTolerance: 10,
    pageSize: PAGE_SIZE,
    pollDelay: SEARCH_INDEX_LAG,
  };
}
