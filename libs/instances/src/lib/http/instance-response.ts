import { ConnectorAdapter } from '@connector-events/connectors';
import { InstanceState, instanceTokenOf } from '../instances/domain/instance-state';

/** An instance as Open Connectors answers it: secrets masked, no OAuth tokens. */
export interface InstanceResponse {
  readonly id: number;
  readonly name: string;
  readonly token: string;
  readonly element: { readonly key: string; readonly name: string; readonly hub: string };
  readonly configuration: Record<string, string>;
  readonly providerData: Record<string, string>;
  readonly tags: readonly string[];
  readonly eventsEnabled: boolean;
  readonly valid: boolean;
  readonly disabled: boolean;
  readonly user: { readonly id: number };
  readonly version: number;
  readonly createdDate: string;
  readonly updatedDate: string;
}

export function instanceResponse(
  state: InstanceState,
  connector: ConnectorAdapter,
  configuration: Record<string, string>,
): InstanceResponse {
  return {
    id: state.id,
    name: state.name,
    token: instanceTokenOf(state),
    element: { key: connector.descriptor.elementKey, name: connector.descriptor.displayName, hub: connector.descriptor.hubKey },
    configuration,
    providerData: { ...state.providerData },
    tags: state.tags,
    eventsEnabled: state.eventsEnabled,
    valid: true,
    disabled: false,
    user: { id: state.userId },
    version: state.version,
    createdDate: state.createdDate,
    updatedDate: state.updatedDate,
  };
}
