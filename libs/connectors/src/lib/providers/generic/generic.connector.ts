import { ConnectorDescriptor } from '../../core/connector-descriptor';
import { ConnectorModule } from '../../core/connector-module';
import { EventObjectFactory } from '../../events/event-object-factory';
import { GenericConnectorDefinition } from './generic-connector-definition';
import { parseGenericConnectorDefinition } from './generic-connector-definitions';
import { GenericEventMapping } from './generic-event-mapping';
import { GenericOAuth } from './generic-oauth';
import { GenericWebhook } from './generic-webhook';

/**
 * A connector module from a definition alone. Combine with the built-ins in one registry, which
 * refuses a definition that claims a built-in key:
 * `new ConnectorRegistry({ modules: [...BUILT_IN_CONNECTORS, ...definitions.map(createGenericConnector)] })`.
 * The definition is validated again here, so one built in code gets the same checks as a file.
 */
export function createGenericConnector(definition: GenericConnectorDefinition): ConnectorModule {
  const checked = parseGenericConnectorDefinition(definition);
  const descriptor: ConnectorDescriptor = {
    elementKey: checked.elementKey,
    aliases: checked.aliases ?? [],
    displayName: checked.displayName,
    hubKey: checked.hubKey,
    eventsMethods: ['webhook'],
    objects: checked.objects ?? (checked.webhook.events.objectType ? [checked.webhook.events.objectType] : []),
  };
  return {
    descriptor,
    create: ({ http, baseUrlOverride, clock }) => ({
      descriptor,
      oauth: new GenericOAuth(http, checked.oauth, checked.displayName, baseUrlOverride, clock),
      webhook: new GenericWebhook(checked.webhook, new GenericEventMapping(checked.webhook.events, new EventObjectFactory(descriptor))),
    }),
  };
}
