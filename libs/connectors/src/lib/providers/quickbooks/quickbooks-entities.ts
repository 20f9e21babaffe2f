/**
 * The QuickBooks Online entities webhooks report (Intuit's webhook entity table), as Intuit
 * spells them in `dataChangeEvent.entities[].name`.
 */
export const QUICKBOOKS_WEBHOOK_ENTITIES = [
  'Account',
  'Bill',
  'BillPayment',
  'Budget',
  'Class',
  'CreditMemo',
  'Currency',
  'Customer',
  'Department',
  'Deposit',
  'Employee',
  'Estimate',
  'Invoice',
  'Item',
  'JournalCode',
  'JournalEntry',
  'Payment',
  'PaymentMethod',
  'Preferences',
  'Purchase',
  'PurchaseOrder',
  'RefundReceipt',
  'SalesReceipt',
  'TaxAgency',
  'Term',
  'TimeActivity',
  'Transfer',
  'Vendor',
  'VendorCredit',
] as const;

/** Entity names are identifiers (`SalesReceipt`); anything else in the field is not one. */
const ENTITY_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** Names that are already plural, or have no plural, stay as they are. */
const UNCHANGED = new Set(['preferences', 'companyinfo']);

/**
 * The `objectType` of an entity: its name in lower case, made plural the way Open Connectors
 * names QuickBooks objects (`Customer` → `customers`, `Class` → `classes`, `JournalEntry` →
 * `journalentries`). Undefined for anything that is not an entity name.
 */
export function objectTypeOf(entityName: unknown): string | undefined {
  if (typeof entityName !== 'string' || !ENTITY_NAME.test(entityName)) return undefined;
  return pluralize(entityName.toLowerCase());
}

/** English plurals for the one-word, lower-case names QuickBooks entities have. */
export function pluralize(word: string): string {
  if (UNCHANGED.has(word)) return word;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}
