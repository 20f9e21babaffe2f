import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

/** `element` of `POST /instances`: which connector. Open Connectors clients may send its id too. */
export class ElementReferenceDto {
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9]{1,63}$/, { message: 'element.key must be a connector key such as hubspot' })
  key!: string;

  @IsOptional()
  @IsInt()
  id?: number;
}

/**
 * `providerData`: the OAuth code, and whatever else the provider sent with it (QuickBooks
 * `realmId`), so it is a free-form map of short strings that must hold `code`.
 */
function IsProviderData(): PropertyDecorator {
  return ValidateBy({
    name: 'isProviderData',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        typeof (value as Record<string, unknown>)['code'] === 'string' &&
        (value as Record<string, string>)['code'] !== '' &&
        Object.keys(value).length <= 20 &&
        Object.values(value).every((v) => typeof v === 'string' && v.length <= 4096),
      defaultMessage: () => 'providerData must be an object of strings holding the OAuth "code"',
    },
  });
}

export class CreateInstanceDto {
  @ValidateNested()
  @Type(() => ElementReferenceDto)
  element!: ElementReferenceDto;

  @IsProviderData()
  providerData!: Record<string, string>;

  @IsOptional()
  @IsObject()
  configuration?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  tags?: string[];

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  name!: string;
}

export class UpdateInstanceDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  tags?: string[];

  @IsOptional()
  @IsObject()
  configuration?: Record<string, unknown>;

  /** Optimistic concurrency: the version the client last read; a newer one answers 409. */
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

/** `PATCH /instances/{id}/configuration/{configurationId}`. */
export class ConfigurationEntryDto {
  @IsOptional()
  propertyValue?: string | number | boolean | Record<string, unknown> | null;

  @IsOptional()
  @IsString()
  key?: string;
}

export class InstanceIdParams {
  @Type(() => Number)
  @IsInt({ message: 'the instance id must be a whole number' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  id!: number;
}

export class ListInstancesQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;

  @IsOptional()
  @Matches(/^\d{1,16}$/, { message: 'nextPage must be the value a previous page returned' })
  nextPage?: string;

  /** Comma-separated; instances having all of them. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  tags?: string;
}

export class InstanceConfigurationParams extends InstanceIdParams {
  /** The entry's numeric id, or its key. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,255}$/, { message: 'configurationId must be an entry id or a configuration key' })
  configurationId!: string;
}
