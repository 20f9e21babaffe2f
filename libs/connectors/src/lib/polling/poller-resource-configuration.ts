import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** Where a record keeps its dates, and how they are written (Java SimpleDateFormat or `milliseconds`). */
export class PollerDatesConfiguration {
  @IsString()
  @IsNotEmpty()
  updatedDateField!: string;

  @IsOptional()
  @IsString()
  updatedDateFormat?: string;

  @IsOptional()
  @IsString()
  updatedDateTimezone?: string;

  @IsOptional()
  @IsString()
  createdDateField?: string;

  @IsOptional()
  @IsString()
  createdDateFormat?: string;

  @IsOptional()
  @IsString()
  createdDateTimezone?: string;
}

/** Marks records that stand for deletions (QuickBooks CDC `"status": "Deleted"`, Salesforce `IsDeleted`). */
export class PollerDeletedMarker {
  @IsString()
  @IsNotEmpty()
  field!: string;

  @IsNotEmpty()
  value!: string | boolean;
}

/**
 * One resource of `event.poller.configuration`. The Open Connectors fields come first; the
 * rest are our extensions, needed because provider APIs (not a unified API) are polled:
 * `method`/`body` for search endpoints that take a POST, `recordsPath` and `nextPagePath` to
 * read and page the answer, `deleted` to recognize deletion records.
 */
export class PollerResourceConfiguration {
  /** Relative to the provider's API base; may hold `${gmtDate:…}`, `${epoch}`… placeholders. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  url!: string;

  /** Dot path of the record id. */
  @IsString()
  @IsNotEmpty()
  idField!: string;

  @IsOptional()
  @IsBoolean()
  filterByUpdatedDate?: boolean;

  @IsOptional()
  // ValidateNested alone lets an array of objects through.
  @IsObject()
  @ValidateNested()
  @Type(() => PollerDatesConfiguration)
  datesConfiguration?: PollerDatesConfiguration;

  /** Seconds within which created and updated dates count as equal (a creation). */
  @IsOptional()
  @IsInt()
  @Min(0)
  createdCheckTolerance?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  pageSize?: number;

  /** Seconds subtracted from the last poll time, for providers whose search index lags. */
  @IsOptional()
  @IsInt()
  @Min(0)
  pollDelay?: number;

  @IsOptional()
  @IsIn(['GET', 'POST'])
  method?: 'GET' | 'POST';

  /** A JSON request body with the same placeholders as `url`. */
  @IsOptional()
  @IsObject()
  body?: Record<string, unknown>;

  /** Dot path of the records array in the answer; the answer itself when absent. */
  @IsOptional()
  @IsString()
  recordsPath?: string;

  /** Dot path of the next page's URL or cursor in the answer. */
  @IsOptional()
  @IsString()
  nextPagePath?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PollerDeletedMarker)
  deleted?: PollerDeletedMarker;
}

/** `event.poller.configuration`: resource (object type) name → how to poll it. */
export type PollerConfiguration = Record<string, PollerResourceConfiguration>;
