export * from './hubspot.connector';
export * from './hubspot.descriptor';
export { HUBSPOT_RAW_EVENTS_FIELD } from './hubspot-webhook';
