import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Response } from 'express';
import { API_BASE_PATH } from '@connector-events/config';
import { InstancesService } from '../instances/application/instances.service';
import { Principal } from '../instances/application/principal';
import { configurationEntries, keyOfEntry } from '../instances/application/configuration-entries';
import { CurrentPrincipal } from './current-principal.decorator';
import {
  ConfigurationEntryDto,
  CreateInstanceDto,
  InstanceConfigurationParams,
  InstanceIdParams,
  ListInstancesQuery,
  UpdateInstanceDto,
} from './instance-request.dto';
import { InstanceErrorsInterceptor } from './instance-errors.interceptor';
import { InstanceResponse, instanceResponse } from './instance-response';
import { OrganizationAuthGuard } from './organization-auth.guard';
import { InstanceState } from '../instances/domain/instance-state';

const DEFAULT_PAGE_SIZE = 50;

/** `/elements/api-v2/instances`: the Open Connectors instances API. */
@Controller(`${API_BASE_PATH}/instances`)
@UseGuards(OrganizationAuthGuard)
@UseInterceptors(InstanceErrorsInterceptor)
export class InstancesController {
  constructor(private readonly instances: InstancesService) {}

  /** Open Connectors answers 200, not 201, to a created instance. */
  @Post()
  @HttpCode(200)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateInstanceDto): Promise<InstanceResponse> {
    const { code, ...providerData } = body.providerData;
    const state = await this.instances.create(principal, {
      elementKey: body.element.key,
      code: code ?? '',
      providerData,
      configuration: body.configuration ?? {},
      tags: body.tags ?? [],
      name: body.name,
    });
    return this.respond(state);
  }

  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListInstancesQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<InstanceResponse[]> {
    const page = await this.instances.list(principal, {
      pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
      nextPage: query.nextPage,
      tags: query.tags?.split(',').map((tag) => tag.trim()).filter((tag) => tag !== ''),
    });
    // Open Connectors pages with the `Elements-Next-Page-Token` header.
    if (page.nextPage) response.setHeader('Elements-Next-Page-Token', page.nextPage);
    return page.instances.map((state) => this.respond(state));
  }

  @Get(':id')
  async get(@CurrentPrincipal() principal: Principal, @Param() params: InstanceIdParams): Promise<InstanceResponse> {
    return this.respond(await this.instances.get(principal, params.id));
  }

  @Patch(':id')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: InstanceIdParams,
    @Body() body: UpdateInstanceDto,
  ): Promise<InstanceResponse> {
    const state = await this.instances.update(
      principal,
      params.id,
      { name: body.name, tags: body.tags, configuration: body.configuration },
      body.version,
    );
    return this.respond(state);
  }

  @Delete(':id')
  @HttpCode(200)
  async delete(@CurrentPrincipal() principal: Principal, @Param() params: InstanceIdParams): Promise<void> {
    await this.instances.delete(principal, params.id);
  }

  @Get(':id/configuration')
  async configuration(@CurrentPrincipal() principal: Principal, @Param() params: InstanceIdParams) {
    const state = await this.instances.get(principal, params.id);
    return configurationEntries(this.instances.visibleConfiguration(state));
  }

  @Patch(':id/configuration/:configurationId')
  async changeConfigurationEntry(
    @CurrentPrincipal() principal: Principal,
    @Param() params: InstanceConfigurationParams,
    @Body() body: ConfigurationEntryDto,
  ) {
    const { configurationId } = params;
    if (body.propertyValue === undefined) throw new BadRequestException('propertyValue is required (null removes the value)');
    const state = await this.instances.get(principal, params.id);
    const visible = this.instances.visibleConfiguration(state);
    // A new key can be set by naming it, as there is no entry id for it yet.
    const key = keyOfEntry(configurationId, Object.keys(visible)) ?? (body.key === configurationId ? body.key : undefined);
    if (!key) throw new NotFoundException(`instance ${params.id} has no configuration entry ${configurationId}`);
    const next = await this.instances.changeConfiguration(principal, params.id, { [key]: body.propertyValue });
    return configurationEntries(this.instances.visibleConfiguration(next)).find((entry) => entry.key === key) ?? null;
  }

  private respond(state: InstanceState): InstanceResponse {
    return instanceResponse(state, this.instances.connectorOf(state), this.instances.visibleConfiguration(state));
  }
}
