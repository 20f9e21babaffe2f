import { DataSource } from 'typeorm';
import { dataSourceOptions, openDataSource } from '@connector-events/persistence';
import { postgresAndPglite, uniqueName } from '@connector-events/testing';
import { INSTANCE_SERVICE_DATABASE } from './instance-service.database';

const targets = postgresAndPglite();

describe.each(targets)('instance-service migrations on $name', (target) => {
  const open = (schema: string): Promise<DataSource> =>
    openDataSource(
      dataSourceOptions(
        { ...INSTANCE_SERVICE_DATABASE, schema },
        { url: target.url(), poolSize: 2, ...(target.pgDriver ? { pgDriver: target.pgDriver() } : {}) },
      ),
    );
  const tables = async (ds: DataSource, schema: string): Promise<string[]> =>
    (
      (await ds.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      )) as Array<{ table_name: string }>
    ).map((row) => row.table_name);

  it('creates the schema and its tables, and a second run changes nothing', async () => {
    const schema = uniqueName('it');
    const first = await open(schema);
    expect(await tables(first, schema)).toEqual(['event_log', 'instance_events', 'instance_outbox', 'instances', 'migrations', 'organizations', 'users']);
    await first.destroy();

    const second = await open(schema);
    const applied = (await second.query(`SELECT name FROM "${schema}".migrations`)) as Array<{ name: string }>;
    expect(applied.map((m) => m.name)).toEqual(['CreateAccounts1763900000000', 'CreateInstances1763900001000', 'CreateEventLog1763900002000']);

    // The entities map onto the migrated tables.
    const org = await second.getRepository('OrganizationEntity').save({ name: 'acme', secretHash: 'a'.repeat(64) });
    await second.getRepository('UserEntity').save({ organizationId: org['id'], email: 'a@acme.test', secretHash: 'b'.repeat(64) });
    expect(await second.getRepository('UserEntity').count()).toBe(1);
    await second.query(`DROP SCHEMA "${schema}" CASCADE`);
    await second.destroy();
  });

  it('lets replicas that start together take turns instead of racing', async () => {
    const schema = uniqueName('race');
    const sources = await Promise.all([open(schema), open(schema), open(schema)]);
    const applied = (await sources[0].query(`SELECT count(*)::int AS n FROM "${schema}".migrations`)) as Array<{ n: number }>;
    expect(applied[0].n).toBe(3);
    await sources[0].query(`DROP SCHEMA "${schema}" CASCADE`);
    await Promise.all(sources.map((ds) => ds.destroy()));
  });
});
