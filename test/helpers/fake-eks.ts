// A scripted EksApi: each profile answers its script in order, the last answer repeating; every call is counted.
import { EksApiError, type ClusterInfo, type EksApi, type FargateProfileState } from '../../src/adapters/eks.js';

export type Answer = string | EksApiError | Partial<FargateProfileState>;

export class FakeEks implements EksApi {
  readonly calls: { profile: string; at: number }[] = [];
  listCalls = 0;

  constructor(
    private readonly scripts: Record<string, Answer[]>,
    private readonly listed: (string[] | EksApiError)[] = [Object.keys(scripts)],
  ) {}

  callsFor(profile: string): number {
    return this.calls.filter((c) => c.profile === profile).length;
  }

  async describeCluster(name: string): Promise<ClusterInfo> {
    return { name, endpoint: 'https://127.0.0.1', caData: '', status: 'ACTIVE', version: '1.31', autoMode: false, autoModeNodePools: [], endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] };
  }

  async describeFargateProfile(_cluster: string, profile: string): Promise<FargateProfileState> {
    const script = this.scripts[profile] ?? [new EksApiError('notFound', 'DescribeFargateProfile', 'ResourceNotFoundException: no such profile')];
    const index = Math.min(this.callsFor(profile), script.length - 1);
    this.calls.push({ profile, at: Date.now() });
    const answer = script[index]!;
    if (answer instanceof EksApiError) throw answer;
    const base = { name: profile, selectors: [{ namespace: 'kube-system' }], healthIssues: [] };
    return typeof answer === 'string' ? { ...base, status: answer } : { ...base, status: 'CREATING', ...answer };
  }

  async listFargateProfiles(): Promise<string[]> {
    const answer = this.listed[Math.min(this.listCalls, this.listed.length - 1)]!;
    this.listCalls++;
    if (answer instanceof EksApiError) throw answer;
    return answer;
  }
}

export const throttled = () => new EksApiError('throttled', 'DescribeFargateProfile', 'ThrottlingException: Rate exceeded');
export const serverError = () => new EksApiError('server', 'DescribeFargateProfile', 'ServerException: internal');
export const notFound = () => new EksApiError('notFound', 'DescribeFargateProfile', 'ResourceNotFoundException: not found');
export const accessDenied = () => new EksApiError('accessDenied', 'DescribeFargateProfile', 'AccessDeniedException: not authorized');
