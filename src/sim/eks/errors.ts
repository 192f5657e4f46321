// EKS errors in the form the SDK and the AWS CLI decode: the type travels in `x-amzn-ErrorType`, the text in the JSON
// body's `message`, with the HTTP status the API model gives each type.

export const EKS_ERROR_STATUS = {
  ResourceNotFoundException: 404,
  ResourceInUseException: 409,
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  AccessDeniedException: 403,
  ThrottlingException: 429,
  ServerException: 500,
  // What AWS front ends answer to a request with no SigV4 signature at all.
  MissingAuthenticationTokenException: 403,
  // A SigV4 signature made with the simulator's own key that does not verify.
  InvalidSignatureException: 403,
  UnknownOperationException: 404,
} as const;

export type EksErrorType = keyof typeof EKS_ERROR_STATUS;

/** Extra members some EKS errors carry (clusterName, fargateProfileName, …); the SDK copies them onto the exception. */
export type EksErrorFields = Partial<Record<'clusterName' | 'nodegroupName' | 'fargateProfileName' | 'addonName', string>>;

export class EksError extends Error {
  readonly status: number;

  constructor(
    readonly type: EksErrorType,
    message: string,
    readonly fields: EksErrorFields = {},
  ) {
    super(message);
    this.name = type;
    this.status = EKS_ERROR_STATUS[type];
  }
}

export const notFound = (message: string, fields?: EksErrorFields) =>
  new EksError('ResourceNotFoundException', message, fields);
export const inUse = (message: string, fields?: EksErrorFields) => new EksError('ResourceInUseException', message, fields);
export const invalidParameter = (message: string, fields?: EksErrorFields) =>
  new EksError('InvalidParameterException', message, fields);
export const invalidRequest = (message: string, fields?: EksErrorFields) =>
  new EksError('InvalidRequestException', message, fields);
