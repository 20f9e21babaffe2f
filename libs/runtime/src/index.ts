import 'reflect-metadata';

export * from './lib/bootstrap-service';
export * from './lib/create-service-app';
export * from './lib/http/error-body';
export * from './lib/http/http-exception.filter';
export * from './lib/http/request-id';
export * from './lib/service-definition';
export * from './lib/service-root.module';
export * from './lib/http/body-parsing';
