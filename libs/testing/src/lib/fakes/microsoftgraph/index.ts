export * from './fake-microsoft-graph';
export * from './graph-notification-bodies';
