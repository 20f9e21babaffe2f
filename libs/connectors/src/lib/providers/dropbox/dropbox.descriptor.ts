import { ConnectorDescriptor } from '../../core/connector-descriptor';

export const DROPBOX_DESCRIPTOR: ConnectorDescriptor = {
  elementKey: 'dropbox',
  aliases: [],
  displayName: 'Dropbox',
  hubKey: 'documents',
  eventsMethods: ['webhook'],
  objects: ['files', 'folders'],
};

/** Dropbox serves OAuth and the files API from one host. */
export const DROPBOX_HOSTS = { api: 'https://api.dropboxapi.com' } as const;
export type DropboxHost = keyof typeof DROPBOX_HOSTS;
