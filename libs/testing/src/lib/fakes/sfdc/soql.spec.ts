import { SoqlError, parseSoql, runSoql } from './soql';

describe('the Salesforce fake SOQL interpreter', () => {
  const rows = [
    { Id: 'a', Name: 'Acme', SystemModstamp: new Date('2024-01-01T00:00:05Z'), IsDeleted: false },
    { Id: 'b', Name: 'beta', SystemModstamp: new Date('2024-01-01T00:00:01Z'), IsDeleted: true },
    { Id: 'c', Name: null, SystemModstamp: new Date('2024-01-01T00:00:03Z'), IsDeleted: false },
  ];

  function failure(text: string): SoqlError {
    try {
      parseSoql(text);
    } catch (error) {
      if (error instanceof SoqlError) return error;
      throw error;
    }
    throw new Error(`expected ${text} to fail`);
  }

  it('runs the polling query: filter on a dateTime literal, order by SystemModstamp', () => {
    const query = parseSoql('SELECT Id, Name FROM Account WHERE SystemModstamp > 2024-01-01T00:00:02Z ORDER BY SystemModstamp');
    expect(query.object.name).toBe('Account');
    expect(query.fields).toEqual(['Id', 'Name']);
    expect(runSoql(query, rows).map((row) => row['Id'])).toEqual(['c', 'a']);
  });

  it('reads keywords, objects and fields case-insensitively, with offsets, AND, DESC, NULLS and LIMIT', () => {
    const query = parseSoql(
      "select id, name from account where isdeleted = false and systemmodstamp >= 2024-01-01T01:00:00+01:00 order by name desc nulls first limit 5",
    );
    expect(query.fields).toEqual(['Id', 'Name']);
    expect(runSoql(query, rows).map((row) => row['Id'])).toEqual(['c', 'a']);
    expect(runSoql(parseSoql("SELECT Id FROM Account WHERE Name = 'ACME'"), rows).map((row) => row['Id'])).toEqual(['a']);
    expect(runSoql(parseSoql('SELECT Id FROM Account WHERE Name = null'), rows).map((row) => row['Id'])).toEqual(['c']);
    expect(runSoql(parseSoql('SELECT Id FROM Account ORDER BY Name LIMIT 2'), rows).map((row) => row['Id'])).toEqual(['c', 'a']);
  });

  it('answers MALFORMED_QUERY with Salesforce\'s row and column for bad syntax', () => {
    const error = failure('SELECT Id FROM Account WHERE');
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toContain('ERROR at Row:1:Column:29');
    expect(error.message).toContain('unexpected token: <EOF>');
    expect(failure('SELECT Id, FROM Account').errorCode).toBe('MALFORMED_QUERY');
    expect(failure("SELECT Id FROM Account WHERE Name = 'open").errorCode).toBe('MALFORMED_QUERY');
    expect(failure('SELECT Id FROM Account LIMIT x').errorCode).toBe('MALFORMED_QUERY');
    expect(failure("SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b'").message).toContain('not modelled by the Salesforce fake');
  });

  it('answers INVALID_TYPE and INVALID_FIELD for unknown names and mistyped literals', () => {
    expect(failure('SELECT Id FROM Acount')).toMatchObject({ errorCode: 'INVALID_TYPE', message: expect.stringContaining("sObject type 'Acount' is not supported") });
    expect(failure('SELECT Id, Name FROM Case')).toMatchObject({ errorCode: 'INVALID_FIELD', message: expect.stringContaining("No such column 'Name' on entity 'Case'") });
    expect(failure("SELECT Id FROM Account WHERE SystemModstamp > '2024-01-01T00:00:00Z'")).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("must be of type dateTime and should not be enclosed in quotes"),
    });
    // Milliseconds with a +0000 offset is how the API writes dates, not how SOQL reads them.
    expect(failure('SELECT Id FROM Account WHERE SystemModstamp > 2024-01-01T00:00:00.000+0000').errorCode).toBe('MALFORMED_QUERY');
    expect(failure('SELECT Id FROM Account WHERE IsDeleted > true').errorCode).toBe('INVALID_FIELD');
  });
});
