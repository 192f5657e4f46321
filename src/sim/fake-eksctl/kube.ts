// The Kubernetes side: client-node against DescribeCluster's endpoint and CA, authenticated with an EKS bearer token
// (a presigned STS URL). A 401 means the token aged out: sign a new one and retry that call once.
import { DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createEksToken } from '../../adapters/token.js';
import type { SimClock } from '../clock.js';
import { clientCredentials, describeAwsError } from './eks.js';

export interface KubeClients {
  apps: AppsV1Api;
  core: CoreV1Api;
}

export class KubeAccess {
  private clients: KubeClients | undefined;

  constructor(
    private readonly eks: EKSClient,
    private readonly clusterName: string,
    private readonly region: string,
    private readonly endpoint: string,
    private readonly caData: string,
    /** Each call, a new token and the retry included, is work this clock waits for. */
    private readonly clock: SimClock,
    /** What tokens are signed for: the cluster's ID on Outposts (eksctl's ClusterConfig.ID()), its name elsewhere. */
    private readonly tokenId: string = clusterName,
  ) {}

  /** eksctl's NewStdClientSet: DescribeCluster for the endpoint and CA, then a client with a fresh token (its caller words a failure). */
  static async connect(eks: EKSClient, clusterName: string, region: string, clock: SimClock): Promise<KubeAccess> {
    let cluster;
    try {
      ({ cluster } = await eks.send(new DescribeClusterCommand({ name: clusterName })));
    } catch (error) {
      throw new Error(describeAwsError('DescribeCluster', error));
    }
    const endpoint = cluster?.endpoint;
    const caData = cluster?.certificateAuthority?.data;
    if (!endpoint || !caData) throw new Error(`cluster "${clusterName}" has no endpoint or CA yet`);
    return new KubeAccess(eks, clusterName, region, endpoint, caData, clock, cluster?.id ?? clusterName);
  }

  call<T>(request: (clients: KubeClients) => Promise<T>): Promise<T> {
    return this.clock.track(async () => {
      try {
        return await request(await this.current());
      } catch (error) {
        if (!(error instanceof ApiException) || error.code !== 401) throw error;
        this.clients = undefined;
        return request(await this.current());
      }
    });
  }

  private async current(): Promise<KubeClients> {
    if (this.clients) return this.clients;
    const { token } = await createEksToken({
      clusterName: this.tokenId,
      region: this.region,
      credentials: await clientCredentials(this.eks),
    });
    const config = new KubeConfig();
    config.loadFromClusterAndUser(
      { name: this.clusterName, server: this.endpoint, caData: this.caData, skipTLSVerify: false },
      { name: 'eksctl', token },
    );
    this.clients = { apps: config.makeApiClient(AppsV1Api), core: config.makeApiClient(CoreV1Api) };
    return this.clients;
  }
}

/** A client-node failure in one line, as client-go would put it. */
export function describeKubeError(error: unknown): string {
  if (error instanceof ApiException) {
    const message = statusMessage(error.body);
    return `the server responded with status ${error.code}${message ? `: ${message}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function statusMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : '';
}
