import { QUICKBOOKS_WEBHOOK_ENTITIES, objectTypeOf, pluralize } from './quickbooks-entities';
import { QUICKBOOKS_DESCRIPTOR } from './quickbooks.descriptor';

describe('QuickBooks entity names', () => {
  it.each([
    ['Customer', 'customers'],
    ['Invoice', 'invoices'],
    ['Class', 'classes'],
    ['Currency', 'currencies'],
    ['BillPayment', 'billpayments'],
    ['JournalEntry', 'journalentries'],
    ['TaxAgency', 'taxagencies'],
    ['TimeActivity', 'timeactivities'],
    ['CreditMemo', 'creditmemos'],
    ['Preferences', 'preferences'],
    ['CompanyInfo', 'companyinfo'],
    ['Tax', 'taxes'],
    ['Attachable', 'attachables'],
    // The CloudEvents type has the name in lower case already.
    ['salesreceipt', 'salesreceipts'],
  ])('%s → %s', (name, objectType) => {
    expect(objectTypeOf(name)).toBe(objectType);
  });

  it('keeps a vowel before a final y', () => {
    expect(pluralize('journey')).toBe('journeys');
  });

  it('refuses what is not an entity name', () => {
    for (const junk of ['', ' Customer', 'Customer ', 'Sales Receipt', '1Customer', 'Cust-omer', 'x'.repeat(65), 42, null, {}, ['Customer']]) {
      expect(objectTypeOf(junk)).toBeUndefined();
    }
  });

  it('lists every webhook entity, pluralized, as the descriptor objects', () => {
    expect(QUICKBOOKS_DESCRIPTOR.objects).toHaveLength(QUICKBOOKS_WEBHOOK_ENTITIES.length);
    expect(QUICKBOOKS_DESCRIPTOR.objects).toEqual(expect.arrayContaining(['customers', 'invoices', 'payments', 'classes', 'currencies', 'journalentries', 'preferences']));
    expect(new Set(QUICKBOOKS_DESCRIPTOR.objects).size).toBe(QUICKBOOKS_DESCRIPTOR.objects.length);
  });
});
