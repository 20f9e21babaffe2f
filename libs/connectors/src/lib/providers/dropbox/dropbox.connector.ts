import { ConnectorModule } from '../../core/connector-module';
import { EventObjectFactory } from '../../events/event-object-factory';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { DropboxFilesApi } from './dropbox-files-api';
import { DropboxOAuth } from './dropbox-oauth';
import { DropboxWebhook } from './dropbox-webhook';
import { DROPBOX_DESCRIPTOR, DROPBOX_HOSTS } from './dropbox.descriptor';

export const DROPBOX_CONNECTOR: ConnectorModule = {
  descriptor: DROPBOX_DESCRIPTOR,
  create: ({ http, baseUrlOverride, clock }) => {
    const endpoints = new ProviderEndpoints(DROPBOX_HOSTS, baseUrlOverride);
    return {
      descriptor: DROPBOX_DESCRIPTOR,
      oauth: new DropboxOAuth(http, endpoints, clock),
      webhook: new DropboxWebhook(new DropboxFilesApi(http, endpoints), new EventObjectFactory(DROPBOX_DESCRIPTOR)),
    };
  },
};
