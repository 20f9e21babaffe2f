import { ExecutionContext, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Principal } from '../instances/application/principal';
import { AuthenticatedRequest } from './organization-auth.guard';

/** The caller resolved by `OrganizationAuthGuard`. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new UnauthorizedException('not authenticated');
  return principal;
});
