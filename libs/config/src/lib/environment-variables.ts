import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { LOG_LEVELS, LogLevel } from './log-level';
import { MAX_WEBHOOK_BODY_BYTES, MIN_WEBHOOK_BODY_BYTES } from './webhook-body-limit';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/**
 * The raw environment as class-validator sees it. Defaults live in `loadConfig`, not here,
 * so that a validation message always shows what the operator actually set.
 */
export class EnvironmentVariables {
  @IsOptional()
  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, {
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port (e.g. 127.0.0.1:9092)',
  })
  KAFKA_BROKERS?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'KAFKA_TOPIC_PARTITIONS must be a whole number' })
  @Min(1, { message: 'KAFKA_TOPIC_PARTITIONS must be at least 1' })
  @Max(1000, { message: 'KAFKA_TOPIC_PARTITIONS must be at most 1000' })
  KAFKA_TOPIC_PARTITIONS?: number;

  /** 6 s is the broker's default `group.min.session.timeout.ms`, 5 min its `group.max.session.timeout.ms`. */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'KAFKA_SESSION_TIMEOUT_MS must be a whole number of milliseconds' })
  @Min(6_000, { message: 'KAFKA_SESSION_TIMEOUT_MS must be at least 6000 (the broker refuses shorter sessions)' })
  @Max(300_000, { message: 'KAFKA_SESSION_TIMEOUT_MS must be at most 300000 (the broker refuses longer sessions)' })
  KAFKA_SESSION_TIMEOUT_MS?: number;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// URL (e.g. postgres://user:password@127.0.0.1:5432/db)',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'DATABASE_POOL_SIZE must be a whole number' })
  @Min(1, { message: 'DATABASE_POOL_SIZE must be at least 1' })
  @Max(200, { message: 'DATABASE_POOL_SIZE must be at most 200' })
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'PORT must be a whole number' })
  @Min(0, { message: 'PORT must be between 0 and 65535' })
  @Max(65535, { message: 'PORT must be between 0 and 65535' })
  PORT?: number;

  @IsOptional()
  @IsString()
  SECRETS_KEY?: string;

  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'PUBLIC_BASE_URL must be an http(s) URL' },
  )
  PUBLIC_BASE_URL?: string;

  @IsOptional()
  @MinLength(16, { message: 'BOOTSTRAP_ORGANIZATION_SECRET must be at least 16 characters' })
  BOOTSTRAP_ORGANIZATION_SECRET?: string;

  @IsOptional()
  @MinLength(16, { message: 'BOOTSTRAP_USER_SECRET must be at least 16 characters' })
  BOOTSTRAP_USER_SECRET?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: LogLevel;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'WEBHOOK_MAX_BODY_BYTES must be a whole number of bytes' })
  @Min(MIN_WEBHOOK_BODY_BYTES, { message: `WEBHOOK_MAX_BODY_BYTES must be at least ${MIN_WEBHOOK_BODY_BYTES}` })
  @Max(MAX_WEBHOOK_BODY_BYTES, { message: `WEBHOOK_MAX_BODY_BYTES must be at most ${MAX_WEBHOOK_BODY_BYTES} (64 MiB)` })
  WEBHOOK_MAX_BODY_BYTES?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,200}$/, { message: 'NORMALIZER_CONSUMER_GROUP must be 1-200 letters, digits, dots, dashes or underscores' })
  NORMALIZER_CONSUMER_GROUP?: string;

  @IsOptional()
  @MaxLength(4096, { message: 'CONNECTOR_DEFINITIONS_FILE must be at most 4096 characters' })
  @Matches(/\.json$/i, { message: 'CONNECTOR_DEFINITIONS_FILE must be the path of a .json file' })
  CONNECTOR_DEFINITIONS_FILE?: string;
}
