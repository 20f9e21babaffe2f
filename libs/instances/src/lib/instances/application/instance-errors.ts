/** The instance does not exist, or belongs to another organization (which must not be told apart). */
export class InstanceNotFoundError extends Error {
  constructor(readonly instanceId: number | string) {
    super(`no instance ${instanceId}`);
    this.name = 'InstanceNotFoundError';
  }
}

/** The request is well-formed but its values break the rules; every problem is listed. */
export class InstanceValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'InstanceValidationError';
  }
}
