/** Every error answer of the API: the Open Connectors shape. */
export interface ErrorBody {
  readonly requestId: string;
  readonly message: string;
}
