// Decorator metadata must exist before any contract class is declared.
import 'reflect-metadata';

export * from './lib/event-notification';
export * from './lib/event-object';
export * from './lib/event-source';
export * from './lib/event-type';
export * from './lib/java-date';
export * from './lib/json-schema';
export * from './lib/notification-message';
export * from './lib/notification-topic';
export * from './lib/patterns';
export * from './lib/raw-event';
export * from './lib/validate-shape';
