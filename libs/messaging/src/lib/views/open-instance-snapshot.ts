import { SecretBox } from '@connector-events/secrets';
import { InstanceSnapshotMessage } from '../contracts/instance-snapshot.message';
import { InstanceRecord, SEALED_TOKEN_KEYS } from './instance-record';

/**
 * An `oc.instances.v1` snapshot as the event-path services use it: secret configuration values
 * opened into `configuration`, the OAuth tokens apart. Throws `SecretBoxError` when the secrets
 * were sealed with another key.
 */
export function openInstanceSnapshot(snapshot: InstanceSnapshotMessage, secretBox: SecretBox): InstanceRecord {
  const secrets = snapshot.sealedSecrets ? secretBox.openRecord(snapshot.sealedSecrets, `instance:${snapshot.instanceId}`) : {};
  const tokenKeys = new Set<string>(Object.values(SEALED_TOKEN_KEYS));
  const configuration: Record<string, string> = { ...snapshot.configuration };
  for (const [key, value] of Object.entries(secrets)) if (!tokenKeys.has(key)) configuration[key] = value;
  return {
    id: snapshot.instanceId,
    version: snapshot.version,
    organizationId: snapshot.organizationId,
    userId: snapshot.userId,
    elementKey: snapshot.elementKey,
    name: snapshot.name,
    tags: snapshot.tags,
    eventsEnabled: snapshot.eventsEnabled,
    configuration,
    providerData: snapshot.providerData,
    tokens: {
      accessToken: secrets[SEALED_TOKEN_KEYS.accessToken],
      refreshToken: secrets[SEALED_TOKEN_KEYS.refreshToken],
      expiresAt: snapshot.tokenExpiresAt,
    },
    updatedDate: snapshot.updatedDate,
  };
}
