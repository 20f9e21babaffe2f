import { randomBytes } from 'node:crypto';
import { FakeDropbox, ServiceProcess, freePort, startApp, testEnvironment } from '@connector-events/testing';
import { buildApps } from '../support/build-once';

const APP = { clientId: 'log-app', clientSecret: 'log-app-secret-9f2c', redirectUri: 'https://app.example.com/cb' };
const SIGNATURE_KEY = 'log-signature-key-77aa';

/** The real process, at debug level: nothing it prints may hold a secret or a token. */
describe('instance-service logs', () => {
  const dropbox = new FakeDropbox();
  const organizationSecret = randomBytes(24).toString('base64url');
  const userSecret = randomBytes(24).toString('base64url');
  let service: ServiceProcess;

  beforeAll(async () => {
    buildApps();
    await dropbox.start();
    dropbox.registerApp(APP);
    service = await startApp(
      'instance-service',
      testEnvironment({
        PORT: String(await freePort()),
        LOG_LEVEL: 'debug',
        BOOTSTRAP_ORGANIZATION_SECRET: organizationSecret,
        BOOTSTRAP_USER_SECRET: userSecret,
        PROVIDER_BASE_URL_DROPBOX: dropbox.server.baseUrl,
      }),
    );
  });
  afterAll(async () => {
    await service?.stop();
    await dropbox.close();
  });

  it('never logs secrets, tokens or the Authorization header', async () => {
    const authorization = `User ${userSecret}, Organization ${organizationSecret}`;
    const headers = { authorization, 'content-type': 'application/json' };
    const { code } = dropbox.linkAccount(APP.clientId);
    const created = await fetch(`${service.url}/elements/api-v2/instances`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        element: { key: 'dropbox' },
        providerData: { code },
        configuration: {
          'oauth.api.key': APP.clientId,
          'oauth.api.secret': APP.clientSecret,
          'oauth.callback.url': APP.redirectUri,
          'event.notification.signature.key': SIGNATURE_KEY,
        },
        name: 'logged',
      }),
    });
    expect(created.status).toBe(200);
    const { id, token } = (await created.json()) as { id: number; token: string };
    await fetch(`${service.url}/elements/api-v2/instances/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ configuration: { 'oauth.api.secret': `${APP.clientSecret}-2` } }) });
    await fetch(`${service.url}/elements/api-v2/instances`, { headers: { authorization: `User ${userSecret}, Organization wrong-${organizationSecret}` } });
    // A refused code, whose error path logs the most.
    await fetch(`${service.url}/elements/api-v2/instances`, { method: 'POST', headers, body: JSON.stringify({ element: { key: 'dropbox' }, providerData: { code: 'bad' }, configuration: { 'oauth.api.key': APP.clientId, 'oauth.api.secret': APP.clientSecret }, name: 'x' }) });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const output = service.output();
    expect(output).toContain('"statusCode":200');
    for (const secret of [APP.clientSecret, SIGNATURE_KEY, organizationSecret, userSecret, token, code]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toMatch(/sl\.(at|rt)-/);
  });
});
