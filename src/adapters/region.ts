// Region for commands that name a cluster rather than a config: --region, else AWS_REGION, else the region of the
// AWS profile, as the SDK itself resolves it. (AWS_DEFAULT_REGION is the CLI's, not the SDK's: see eks-facts.md.)
import { STSClient } from '@aws-sdk/client-sts';
import { UsageError } from '../errors.js';

export async function resolveRegion({ flag, profile }: { flag?: string; profile?: string }): Promise<string> {
  if (flag) return flag;
  const client = new STSClient(profile ? { profile } : {});
  try {
    const region = await client.config.region();
    if (region) return region;
  } catch {
    // The SDK throws "Region is missing"; the message below says what to do instead.
  } finally {
    client.destroy();
  }
  const where = profile ? ` or set region in profile "${profile}"` : ' or set region in your AWS profile';
  throw new UsageError(`no AWS region: pass --region, set AWS_REGION${where}`);
}
