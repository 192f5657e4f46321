// eksctl's Fargate profile creation (pkg/eks/fargate.go DoCreateFargateProfiles + pkg/fargate): one profile at a
// time, each waited with the timing-out exponential backoff; only ACTIVE ends the wait, so CREATE_FAILED is waited
// out until the timeout. Deletion is linear too: EKS allows one DELETING profile at a time.
import {
  CreateFargateProfileCommand,
  DeleteFargateProfileCommand,
  DescribeFargateProfileCommand,
  ListFargateProfilesCommand,
  type EKSClient,
} from '@aws-sdk/client-eks';
import { pollWithBackoff, type PollOptions } from './backoff.js';
import type { FargateProfileConfig } from './config.js';
import { describeAwsError, errorName } from './eks.js';
import type { Logger } from './log.js';

export interface FargateContext {
  eks: EKSClient;
  log: Logger;
  clusterName: string;
  region: string;
  /** Used when a profile names no pod execution role, as eksctl uses its cluster stack's role. */
  defaultPodExecutionRoleArn: string;
  wait: PollOptions;
}

export async function listFargateProfiles(eks: EKSClient, clusterName: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await eks.send(new ListFargateProfilesCommand({ clusterName, nextToken }));
    names.push(...(page.fargateProfileNames ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

export async function createFargateProfiles(ctx: FargateContext, profiles: readonly FargateProfileConfig[]): Promise<void> {
  const { eks, log, clusterName } = ctx;
  let existing: string[];
  try {
    existing = await listFargateProfiles(eks, clusterName);
  } catch (error) {
    throw new Error(`failed to get Fargate Profile list: ${describeAwsError('ListFargateProfiles', error)}`);
  }
  for (const profile of profiles) {
    if (existing.includes(profile.name)) {
      log.info(`Fargate profile "${profile.name}" already exists on EKS cluster "${clusterName}"`);
      continue;
    }
    log.info(`creating Fargate profile "${profile.name}" on EKS cluster "${clusterName}"`);
    try {
      await createProfile(ctx, profile);
      log.info(`created Fargate profile "${profile.name}" on EKS cluster "${clusterName}"`);
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (errorName(cause) === 'ResourceInUseException') {
        log.info(
          `either Fargate profile "${profile.name}" already exists on EKS cluster "${clusterName}" or another profile is being created/deleted, no action taken`,
        );
        continue;
      }
      const message = (error as Error).message;
      if (errorName(cause) === 'AccessDeniedException') {
        throw new Error(`either account is not authorized to use Fargate or region ${ctx.region} is not supported: ${message}`);
      }
      throw new Error(`failed to create Fargate profile "${profile.name}" on EKS cluster "${clusterName}": ${message}`);
    }
  }
}

async function createProfile(ctx: FargateContext, profile: FargateProfileConfig): Promise<void> {
  const { eks, clusterName } = ctx;
  try {
    await eks.send(
      new CreateFargateProfileCommand({
        clusterName,
        fargateProfileName: profile.name,
        podExecutionRoleArn: profile.podExecutionRoleARN ?? ctx.defaultPodExecutionRoleArn,
        selectors: profile.selectors.map((s) => ({ namespace: s.namespace, ...(s.labels ? { labels: s.labels } : {}) })),
        ...(profile.subnets && profile.subnets.length > 0 ? { subnets: profile.subnets } : {}),
        ...(profile.tags ? { tags: profile.tags } : {}),
      }),
    );
  } catch (error) {
    throw new Error(`failed to create Fargate profile "${profile.name}": ${describeAwsError('CreateFargateProfile', error)}`, {
      cause: error,
    });
  }
  const outcome = await pollWithBackoff(async () => {
    try {
      const { fargateProfile } = await eks.send(
        new DescribeFargateProfileCommand({ clusterName, fargateProfileName: profile.name }),
      );
      return fargateProfile?.status === 'ACTIVE';
    } catch (error) {
      throw new Error(
        `failed while waiting for Fargate profile "${profile.name}"'s creation: ${describeAwsError('DescribeFargateProfile', error)}`,
      );
    }
  }, ctx.wait);
  if (outcome === 'timed-out') throw new Error(`timed out while waiting for Fargate profile "${profile.name}"'s creation`);
}

/** `delete cluster`: every profile, one at a time, each waited until it is gone from the list. */
export async function deleteFargateProfiles(ctx: FargateContext): Promise<number> {
  const { eks, log, clusterName } = ctx;
  const names = await listFargateProfiles(eks, clusterName).catch((error: unknown) => {
    throw new Error(describeAwsError('ListFargateProfiles', error));
  });
  for (const name of names) {
    log.info(`deleting Fargate profile "${name}"`);
    try {
      await eks.send(new DeleteFargateProfileCommand({ clusterName, fargateProfileName: name }));
    } catch (error) {
      throw new Error(`failed to delete Fargate profile "${name}": ${describeAwsError('DeleteFargateProfile', error)}`);
    }
    const outcome = await pollWithBackoff(async () => {
      const remaining = await listFargateProfiles(eks, clusterName).catch((error: unknown) => {
        throw new Error(describeAwsError('ListFargateProfiles', error));
      });
      return !remaining.includes(name);
    }, ctx.wait);
    if (outcome === 'timed-out') throw new Error(`timed out while waiting for Fargate profile "${name}"'s deletion`);
    log.info(`deleted Fargate profile "${name}"`);
  }
  log.info(`deleted ${names.length} Fargate profile(s)`);
  return names.length;
}
