/**
 * Log fields that may hold secrets. Request URLs are logged without their query string
 * (OAuth codes and tokens travel there), and these paths are censored wherever they appear.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  'req.headers["x-dropbox-signature"]',
  'req.headers["intuit-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.clientState',
  '*.signatureKey',
  '*.secretsKey',
  '*.organizationSecret',
  '*.userSecret',
];
