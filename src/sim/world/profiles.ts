// Fargate profiles in the simulated world, as EKS runs them (../shared/design/eks-facts.md):
// - only one Fargate profile per cluster may be CREATING or DELETING at a time (ResourceInUseException);
// - a profile turns ACTIVE after `fargateProfileSeconds`, and the webhook sees it only `webhookDelaySeconds` later;
// - `profile-create-failed=NAME` ends that profile in CREATE_FAILED with a health issue.
import { randomUUID } from 'node:crypto';
import type { CreateFargateProfileRequest, FargateProfile } from '@aws-sdk/client-eks';
import { inUse } from '../eks/errors.js';
import type { FargateProfileView } from '../kube/matching.js';
import type { ClusterState, ProfileState, WorldContext } from './state.js';

export function createProfile(ctx: WorldContext, state: ClusterState, request: CreateFargateProfileRequest): FargateProfile {
  const clusterName = request.clusterName!;
  const name = request.fargateProfileName!;
  if (state.profiles.has(name)) {
    throw inUse(`A Fargate Profile already exists with this name in this cluster.`, { clusterName, fargateProfileName: name });
  }
  refuseWhileProfileBusy(state, 'create', name);
  const profile: FargateProfile = {
    fargateProfileName: name,
    fargateProfileArn: ctx.arn(`fargateprofile/${clusterName}/${name}/${randomUUID()}`),
    clusterName,
    createdAt: ctx.clock.date(),
    podExecutionRoleArn: request.podExecutionRoleArn,
    subnets: request.subnets ?? [],
    selectors: structuredClone(request.selectors ?? []),
    status: 'CREATING',
    tags: request.tags ?? {},
    health: { issues: [] },
  };
  const profileState: ProfileState = { profile, seenByWebhook: false };
  state.profiles.set(name, profileState);
  ctx.after(ctx.timings.fargateProfileSeconds, () => profileCreated(ctx, state, profileState));
  return structuredClone(profile);
}

/** The end of a creation: ACTIVE (seen by the webhook after its delay), or CREATE_FAILED under the fault. */
export function profileCreated(ctx: WorldContext, state: ClusterState, profileState: ProfileState): void {
  const profile = profileState.profile;
  if (profile.status !== 'CREATING') return;
  if (ctx.faults.profileCreateFailed.includes(profile.fargateProfileName!)) {
    profile.status = 'CREATE_FAILED';
    profile.health = {
      issues: [
        {
          code: 'PodExecutionRoleAlreadyInUse',
          message: `The pod execution role ${profile.podExecutionRoleArn ?? ''} is already in use by another cluster (simulated fault profile-create-failed).`,
          resourceIds: profile.podExecutionRoleArn ? [profile.podExecutionRoleArn] : [],
        },
      ],
    };
    ctx.notify(state);
    return;
  }
  profile.status = 'ACTIVE';
  ctx.notify(state);
  const delay = ctx.faults.webhookDelaySeconds ?? ctx.timings.webhookDelaySeconds;
  const becomeVisible = () => {
    if (profile.status !== 'ACTIVE') return;
    profileState.seenByWebhook = true;
    profileState.seenByWebhookAt = ctx.clock.now();
    ctx.notify(state);
  };
  if (delay === 0) becomeVisible();
  else ctx.after(delay, becomeVisible);
}

export function deleteProfile(ctx: WorldContext, state: ClusterState, profileState: ProfileState): FargateProfile {
  const name = profileState.profile.fargateProfileName!;
  refuseWhileProfileBusy(state, 'delete', name);
  profileState.profile.status = 'DELETING';
  profileState.seenByWebhook = false;
  ctx.notify(state);
  ctx.after(ctx.timings.fargateProfileDeleteSeconds, () => {
    if (state.profiles.get(name) === profileState) state.profiles.delete(name);
    ctx.notify(state);
  });
  return structuredClone(profileState.profile);
}

/** ACTIVE profiles the webhook already sees, by name as the webhook orders them. */
export function admissionProfiles(state: ClusterState): FargateProfileView[] {
  return [...state.profiles.values()]
    .filter((p) => p.profile.status === 'ACTIVE' && p.seenByWebhook)
    .map((p) => ({
      name: p.profile.fargateProfileName!,
      selectors: (p.profile.selectors ?? []).map((s) => ({
        namespace: s.namespace ?? '',
        ...(s.labels && Object.keys(s.labels).length > 0 ? { labels: { ...s.labels } } : {}),
      })),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** EKS runs one Fargate profile operation per cluster at a time. */
function refuseWhileProfileBusy(state: ClusterState, verb: 'create' | 'delete', name: string): void {
  const clusterName = state.cluster.name!;
  for (const other of state.profiles.values()) {
    const status = other.profile.status;
    if (status !== 'CREATING' && status !== 'DELETING') continue;
    const otherName = other.profile.fargateProfileName!;
    throw inUse(
      `Cannot ${verb} Fargate Profile ${name} because cluster ${clusterName} currently has Fargate profile ${otherName} in status ${status}`,
      { clusterName, fargateProfileName: name },
    );
  }
}
