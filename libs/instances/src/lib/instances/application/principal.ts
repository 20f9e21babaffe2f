/** Who is calling: the user and organization their secrets named. */
export interface Principal {
  readonly organizationId: number;
  readonly userId: number;
}
