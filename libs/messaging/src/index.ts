import 'reflect-metadata';

export * from './lib/bus/bus-message';
export * from './lib/bus/encode-message';
export * from './lib/bus/message-bus';
export * from './lib/bus/permanent-message.error';
export * from './lib/bus/retry-policy';
export * from './lib/bus/subscription';
export * from './lib/contracts/delivery-attempt.message';
export * from './lib/contracts/event-object.message';
export * from './lib/contracts/instance-snapshot.message';
export * from './lib/contracts/topic-contract';
export * from './lib/contracts/topics';
export * from './lib/in-process/in-process-message-bus';
export * from './lib/kafka/kafka-message-bus';
export * from './lib/messaging.module';
export * from './lib/views/instance-record';
export * from './lib/views/instance-view';
export * from './lib/views/instance-view.module';
