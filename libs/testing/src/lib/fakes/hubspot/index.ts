export * from './fake-hubspot';
export * from './fake-hubspot-crm';
export * from './hubspot-webhook-signer';
