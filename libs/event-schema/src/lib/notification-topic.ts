/** The `topic` field of a notification: `instance-{instanceId}-{elementKey}-events`. */
export function notificationTopic(instanceId: number, elementKey: string): string {
  return `instance-${instanceId}-${elementKey}-events`;
}
