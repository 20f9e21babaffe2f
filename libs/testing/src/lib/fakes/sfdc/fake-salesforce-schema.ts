/** The field types the fake knows, as SOQL literals are checked against them. */
export type FakeSalesforceFieldType = 'id' | 'string' | 'datetime' | 'date' | 'boolean' | 'number';

/** A standard object as the fake models it: its key prefix and fields (canonical names). */
export interface FakeSalesforceObjectType {
  readonly name: string;
  /** The first three characters of its record ids. */
  readonly keyPrefix: string;
  readonly fields: Readonly<Record<string, FakeSalesforceFieldType>>;
  /** Fields Salesforce computes (`Name` of people, `CaseNumber`); they cannot be written. */
  readonly computed: readonly string[];
}

const SYSTEM_FIELDS: Record<string, FakeSalesforceFieldType> = {
  Id: 'id',
  IsDeleted: 'boolean',
  CreatedDate: 'datetime',
  CreatedById: 'id',
  LastModifiedDate: 'datetime',
  LastModifiedById: 'id',
  SystemModstamp: 'datetime',
};

export const FAKE_SALESFORCE_OBJECTS: readonly FakeSalesforceObjectType[] = [
  {
    name: 'Account',
    keyPrefix: '001',
    fields: { ...SYSTEM_FIELDS, Name: 'string', Industry: 'string', Phone: 'string', Website: 'string' },
    computed: [],
  },
  {
    name: 'Contact',
    keyPrefix: '003',
    fields: { ...SYSTEM_FIELDS, Name: 'string', FirstName: 'string', LastName: 'string', Email: 'string', AccountId: 'id' },
    computed: ['Name'],
  },
  {
    name: 'Lead',
    keyPrefix: '00Q',
    fields: { ...SYSTEM_FIELDS, Name: 'string', FirstName: 'string', LastName: 'string', Company: 'string', Status: 'string', Email: 'string' },
    computed: ['Name'],
  },
  {
    name: 'Opportunity',
    keyPrefix: '006',
    fields: { ...SYSTEM_FIELDS, Name: 'string', StageName: 'string', CloseDate: 'date', Amount: 'number', AccountId: 'id' },
    computed: [],
  },
  {
    name: 'Case',
    keyPrefix: '500',
    fields: { ...SYSTEM_FIELDS, CaseNumber: 'string', Subject: 'string', Status: 'string', Priority: 'string', AccountId: 'id', ContactId: 'id' },
    computed: ['CaseNumber'],
  },
];

/** Object and field names are case-insensitive in SOQL and REST paths. */
export function fakeSalesforceObject(name: string): FakeSalesforceObjectType | undefined {
  const wanted = name.toLowerCase();
  return FAKE_SALESFORCE_OBJECTS.find((object) => object.name.toLowerCase() === wanted);
}

export function canonicalFieldName(object: FakeSalesforceObjectType, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.keys(object.fields).find((field) => field.toLowerCase() === wanted);
}

/** How the API writes a dateTime: `2024-01-01T00:00:00.000+0000`. */
export function salesforceDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}
