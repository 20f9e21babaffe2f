import { InstanceSnapshotMessage } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { InstanceState } from '../domain/instance-state';
import { secretContext } from './instance-event-store';

/** The `oc.instances.v1` message for a live instance: public fields open, secrets sealed. */
export function instanceSnapshot(state: InstanceState, secretBox: SecretBox): InstanceSnapshotMessage {
  return {
    instanceId: state.id,
    version: state.version,
    organizationId: state.organizationId,
    userId: state.userId,
    elementKey: state.elementKey,
    name: state.name,
    tags: [...state.tags],
    eventsEnabled: state.eventsEnabled,
    providerData: { ...state.providerData },
    configuration: { ...state.configuration },
    sealedSecrets: secretBox.sealRecord(state.secrets, secretContext(state.id)),
    ...(state.tokenExpiresAt ? { tokenExpiresAt: state.tokenExpiresAt } : {}),
    updatedDate: state.updatedDate,
  };
}
