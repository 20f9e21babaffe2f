/** A standard object this connector polls, with the fields a poll selects. */
export interface SalesforcePolledObject {
  /** The sObject API name, as in SOQL, REST paths and `objectType`. */
  readonly name: string;
  /** Fields that name a record for people; Case has no `Name`. */
  readonly labelFields: readonly string[];
}

/** Every polled object has these (system fields of all standard objects that can be deleted). */
export const SALESFORCE_SYSTEM_FIELDS = ['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', 'IsDeleted'] as const;

export const SALESFORCE_POLLED_OBJECTS: readonly SalesforcePolledObject[] = [
  { name: 'Account', labelFields: ['Name'] },
  { name: 'Contact', labelFields: ['Name'] },
  { name: 'Lead', labelFields: ['Name'] },
  { name: 'Opportunity', labelFields: ['Name'] },
  { name: 'Case', labelFields: ['CaseNumber', 'Subject'] },
];

/** sObject names are case-insensitive in Salesforce; `account` is `Account`. */
export function salesforcePolledObjectNamed(name: string): SalesforcePolledObject | undefined {
  if (typeof name !== 'string') return undefined;
  const wanted = name.trim().toLowerCase();
  return SALESFORCE_POLLED_OBJECTS.find((object) => object.name.toLowerCase() === wanted);
}

/** Fields in the order a poll selects them: `Id`, the label fields, then the dates and `IsDeleted`. */
export function salesforcePollFields(object: SalesforcePolledObject): string[] {
  const [id, ...rest] = SALESFORCE_SYSTEM_FIELDS;
  return [id, ...object.labelFields, ...rest];
}
