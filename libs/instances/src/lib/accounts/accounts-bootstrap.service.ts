import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { INSTANCE_SERVICE_DATABASE } from '../database/instance-service.database';
import { OrganizationEntity } from './organization.entity';
import { hashSecret } from './secret-hash';
import { UserEntity } from './user.entity';

/** Creates the organization and user named by BOOTSTRAP_* secrets, once, if they are missing. */
@Injectable()
export class AccountsBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccountsBootstrapService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource(INSTANCE_SERVICE_DATABASE.name) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secrets = this.config.bootstrap;
    if (secrets === undefined) return;
    await this.dataSource.transaction(async (manager) => {
      const organizationHash = hashSecret(secrets.organizationSecret);
      let organization = await manager.findOneBy(OrganizationEntity, { secretHash: organizationHash });
      if (organization === null) {
        organization = await manager.save(manager.create(OrganizationEntity, { name: 'bootstrap', secretHash: organizationHash }));
        this.logger.log({ organizationId: organization.id }, 'created the bootstrap organization');
      }
      const userHash = hashSecret(secrets.userSecret);
      if ((await manager.findOneBy(UserEntity, { secretHash: userHash })) === null) {
        const user = await manager.save(
          manager.create(UserEntity, { organizationId: organization.id, email: 'admin@localhost', secretHash: userHash }),
        );
        this.logger.log({ userId: user.id }, 'created the bootstrap user');
      }
    });
  }
}
