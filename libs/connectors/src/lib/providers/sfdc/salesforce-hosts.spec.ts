import { SalesforceHosts } from './salesforce-hosts';

describe('Salesforce hosts', () => {
  const hosts = new SalesforceHosts();

  it('logs in at login.salesforce.com unless the instance names another Salesforce login server', () => {
    expect(hosts.tokenUrl(hosts.loginServer(undefined))).toBe('https://login.salesforce.com/services/oauth2/token');
    expect(hosts.tokenUrl(hosts.loginServer(' '))).toBe('https://login.salesforce.com/services/oauth2/token');
    expect(hosts.tokenUrl(hosts.loginServer('https://test.salesforce.com'))).toBe('https://test.salesforce.com/services/oauth2/token');
    expect(hosts.loginServer('https://acme--uat.sandbox.my.salesforce.com/')).toBe('https://acme--uat.sandbox.my.salesforce.com');
    expect(hosts.loginServer('https://acme.my.salesforce.mil')).toBe('https://acme.my.salesforce.mil');
  });

  it('refuses login servers that are not Salesforce https origins, naming the configuration key', () => {
    for (const url of [
      'http://test.salesforce.com',
      'https://evil.example.com',
      'https://login.salesforce.com.evil.example.com',
      'https://evilsalesforce.com',
      'https://user:pw@test.salesforce.com',
      'https://test.salesforce.com/services/oauth2/token',
      'test.salesforce.com',
    ]) {
      expect(() => hosts.loginServer(url)).toThrow(expect.objectContaining({ code: 'configuration_invalid', message: expect.stringContaining('sfdc.login.url') }));
    }
  });

  it('calls the API on the org instance_url, and refuses an instance without a usable one', () => {
    expect(hosts.apiUrl('https://acme.my.salesforce.com', '/services/data/v62.0/query')).toBe('https://acme.my.salesforce.com/services/data/v62.0/query');
    for (const instanceUrl of [undefined, '', 'http://acme.my.salesforce.com', 'not a url']) {
      expect(() => hosts.apiUrl(instanceUrl, '/x')).toThrow(expect.objectContaining({ code: 'configuration_invalid', message: expect.stringContaining('instance_url') }));
    }
  });

  it('sends everything to PROVIDER_BASE_URL_SFDC when it is set', () => {
    const overridden = new SalesforceHosts('http://127.0.0.1:9999/');
    expect(overridden.tokenUrl(overridden.loginServer('https://test.salesforce.com'))).toBe('http://127.0.0.1:9999/services/oauth2/token');
    expect(overridden.apiUrl('https://acme.my.salesforce.com', '/services/data/v62.0/query')).toBe('http://127.0.0.1:9999/services/data/v62.0/query');
    expect(overridden.apiUrl(undefined, '/x')).toBe('http://127.0.0.1:9999/x');
  });
});
