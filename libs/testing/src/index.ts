export * from './lib/test-environment';
export * from './lib/unique-name';
export * from './lib/wait-for';
export * from './lib/message-bus-contract';
export * from './lib/free-port';
export * from './lib/service-process';
