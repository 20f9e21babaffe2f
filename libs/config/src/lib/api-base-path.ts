/** Every Open Connectors REST path lives under this prefix (no leading slash, as Nest routes take it). */
export const API_BASE_PATH = 'elements/api-v2';
