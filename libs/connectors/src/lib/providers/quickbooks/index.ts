export * from './quickbooks.connector';
export * from './quickbooks.descriptor';
export { QUICKBOOKS_VERIFIER_TOKEN_KEY } from './quickbooks-webhook';
