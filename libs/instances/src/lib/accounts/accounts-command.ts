import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OrganizationEntity } from './organization.entity';
import { hashSecret } from './secret-hash';
import { UserEntity } from './user.entity';

export const ACCOUNTS_USAGE = [
  'usage: npm run accounts -- create --organization <name> --email <email>',
  '       npm run accounts -- add-user --organization-id <id> --email <email>',
  '       npm run accounts -- list',
].join('\n');

export interface CommandOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * The admin command for accounts. New secrets are printed once and stored only as hashes;
 * lose them and make a new user. Returns the process exit code.
 */
export async function runAccountsCommand(args: readonly string[], dataSource: DataSource, io: CommandOutput): Promise<number> {
  const [command, ...rest] = args;
  const options = parseOptions(rest);
  if (!options) {
    io.err(ACCOUNTS_USAGE);
    return 2;
  }
  switch (command) {
    case 'create': {
      const name = options['organization'];
      const email = options['email'];
      if (!name || !email) break;
      const organizationSecret = newSecret();
      const userSecret = newSecret();
      const { organization, user } = await dataSource.transaction(async (manager) => {
        const organization = await manager.save(manager.create(OrganizationEntity, { name, secretHash: hashSecret(organizationSecret) }));
        const user = await manager.save(
          manager.create(UserEntity, { organizationId: organization.id, email, secretHash: hashSecret(userSecret) }),
        );
        return { organization, user };
      });
      io.out(`organization ${organization.id} "${organization.name}", user ${user.id} <${user.email}>`);
      io.out(`Authorization: User ${userSecret}, Organization ${organizationSecret}`);
      io.out('These secrets are shown only now; they are stored as hashes.');
      return 0;
    }
    case 'add-user': {
      const organizationId = Number(options['organization-id']);
      const email = options['email'];
      if (!Number.isSafeInteger(organizationId) || !email) break;
      const organization = await dataSource.manager.findOneBy(OrganizationEntity, { id: organizationId });
      if (!organization) {
        io.err(`no organization ${organizationId}`);
        return 1;
      }
      const userSecret = newSecret();
      const user = await dataSource.manager.save(
        dataSource.manager.create(UserEntity, { organizationId, email, secretHash: hashSecret(userSecret) }),
      );
      io.out(`user ${user.id} <${user.email}> in organization ${organizationId}`);
      io.out(`User secret: ${userSecret} (shown only now)`);
      return 0;
    }
    case 'list': {
      const organizations = await dataSource.manager.find(OrganizationEntity, { order: { id: 'ASC' } });
      for (const organization of organizations) {
        const users = await dataSource.manager.find(UserEntity, { where: { organizationId: organization.id }, order: { id: 'ASC' } });
        io.out(`organization ${organization.id} "${organization.name}": ${users.map((u) => `${u.id} <${u.email}>`).join(', ') || 'no users'}`);
      }
      return 0;
    }
  }
  io.err(ACCOUNTS_USAGE);
  return 2;
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function parseOptions(args: readonly string[]): Record<string, string> | undefined {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i];
    const value = args[i + 1];
    if (!name?.startsWith('--') || value === undefined) return undefined;
    options[name.slice(2)] = value;
  }
  return options;
}
