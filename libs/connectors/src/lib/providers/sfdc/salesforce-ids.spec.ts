import fc from 'fast-check';
import { parseSalesforceIdentityUrl, salesforceEighteenCharacterId, salesforceOrganizationId } from './salesforce-ids';

describe('Salesforce ids', () => {
  it('adds the case-encoding suffix to 15-character ids, as the API spells them', () => {
    // Pairs from Salesforce's own examples (REST query response, identity URLs).
    expect(salesforceEighteenCharacterId('001D000000IRFma')).toBe('001D000000IRFmaIAH');
    expect(salesforceEighteenCharacterId('001D000000Iomaz')).toBe('001D000000IomazIAB');
    expect(salesforceEighteenCharacterId('00Dx0000000BV7z')).toBe('00Dx0000000BV7zEAG');
    expect(salesforceEighteenCharacterId('001D000000IRFmaIAH')).toBe('001D000000IRFmaIAH');
  });

  it('refuses what is not an id', () => {
    for (const text of ['', '001D000000IRFm', '001D000000IRFmaIA', '001D000000IRFma-AH', '001D000000IRFmaIAH0']) {
      expect(salesforceEighteenCharacterId(text)).toBeUndefined();
    }
    expect(salesforceOrganizationId('001D000000IRFmaIAH')).toBeUndefined();
    expect(salesforceOrganizationId(42)).toBeUndefined();
    expect(salesforceOrganizationId('00Dx0000000BV7z')).toBe('00Dx0000000BV7zEAG');
  });

  it('reads the org and user from an identity URL on any login host', () => {
    expect(parseSalesforceIdentityUrl('https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P')).toEqual({
      organizationId: '00Dx0000000BV7zEAG',
      userId: salesforceEighteenCharacterId('005x00000012Q9P'),
    });
    expect(parseSalesforceIdentityUrl('https://test.salesforce.com/id/00Dx0000000BV7zEAG/005x00000012Q9PAAQ/')).toEqual({
      organizationId: '00Dx0000000BV7zEAG',
      userId: '005x00000012Q9PAAQ',
    });
  });

  it('rejects identity URLs that do not name an org and a user', () => {
    for (const url of [
      undefined,
      'not a url',
      'https://login.salesforce.com/id/00Dx0000000BV7z',
      'https://login.salesforce.com/id/005x00000012Q9P/00Dx0000000BV7z',
      'https://login.salesforce.com/services/00Dx0000000BV7z/005x00000012Q9P',
      'https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P/extra',
    ]) {
      expect(parseSalesforceIdentityUrl(url)).toBeUndefined();
    }
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        parseSalesforceIdentityUrl(text);
        parseSalesforceIdentityUrl(`https://login.salesforce.com/id/${text}`);
        salesforceEighteenCharacterId(text);
      }),
    );
  });
});
