export * from './java-date-format';
export { GMT_ZONE, UTC_ZONE, findJavaTimeZone, javaTimeZone } from './java-time-zone';
export type { JavaTimeZone } from './java-time-zone';
export * from './polled-records-normalizer';
export * from './poller-configuration-parser';
export * from './poller-resource-configuration';
export * from './poller-url-template';
export * from './polling-definitions';
export * from './polling-watermark';
