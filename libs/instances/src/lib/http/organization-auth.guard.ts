import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Request } from 'express';
import { DataSource } from 'typeorm';
import { UserEntity } from '../accounts/user.entity';
import { hashSecret } from '../accounts/secret-hash';
import { OrganizationEntity } from '../accounts/organization.entity';
import { INSTANCE_SERVICE_DATABASE } from '../database/instance-service.database';
import { Principal } from '../instances/application/principal';
import { parseAuthorizationHeader } from './authorization-header';

export type AuthenticatedRequest = Request & { principal?: Principal };

const EXPECTED = 'Authorization must be "User <secret>, Organization <secret>"';

/** Resolves the caller's user and organization from their secrets (stored only as hashes). */
@Injectable()
export class OrganizationAuthGuard implements CanActivate {
  constructor(@InjectDataSource(INSTANCE_SERVICE_DATABASE.name) private readonly dataSource: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credentials = parseAuthorizationHeader(request.headers.authorization);
    if (!credentials) throw new UnauthorizedException(EXPECTED);
    const user = await this.dataSource.manager.findOneBy(UserEntity, { secretHash: hashSecret(credentials.userSecret) });
    const organization = await this.dataSource.manager.findOneBy(OrganizationEntity, {
      secretHash: hashSecret(credentials.organizationSecret),
    });
    if (!user || !organization || user.organizationId !== organization.id) {
      throw new UnauthorizedException('the User and Organization secrets do not name an account');
    }
    request.principal = { organizationId: organization.id, userId: user.id };
    return true;
  }
}
