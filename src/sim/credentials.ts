// The simulator's own test identity. Tokens signed with it get their SigV4 signature checked by the simulator's
// Kubernetes API; these are not real AWS credentials and grant nothing anywhere else.
export const SIM_ACCESS_KEY_ID = 'AKIASAFEEKSCTLSIM000';
export const SIM_SECRET_ACCESS_KEY = 'safe-eksctl-simulator-secret-key-not-real0';
export const SIM_ACCOUNT_ID = '000000000000';
export const SIM_REGION = 'us-west-2';
export const SIM_CALLER_ARN = `arn:aws:iam::${SIM_ACCOUNT_ID}:user/safe-eksctl-sim`;
