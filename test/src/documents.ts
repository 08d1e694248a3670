import { graphql } from './gql/index.js';

/*
 * The writes an integration sends to build the release graph, shared by the seed and the tests that
 * check what the hub refuses. Their result and variable types are generated from
 * schema/schema.graphql (`pnpm codegen`, run before builds and tests); tests keep the reads they
 * assert on next to them.
 */

export type {
  ChangeRisk,
  ChangeType,
  CreateChangeInput,
  CreateDeploymentInput,
  CreateEnvironmentInput,
  CreateReleaseInput,
  CreateServiceInput,
  DeploymentStatus,
  EnvironmentTier,
  ReleaseStatus,
} from './gql/graphql.js';

export const CREATE_SERVICE = graphql(`
  mutation CreateService($i: CreateServiceInput!) {
    createService(input: $i) {
      id
    }
  }
`);

export const UPDATE_SERVICE = graphql(`
  mutation UpdateService($i: UpdateServiceInput!) {
    updateService(input: $i) {
      id
    }
  }
`);

export const CREATE_ENVIRONMENT = graphql(`
  mutation CreateEnvironment($i: CreateEnvironmentInput!) {
    createEnvironment(input: $i) {
      id
    }
  }
`);

export const CREATE_RELEASE = graphql(`
  mutation CreateRelease($i: CreateReleaseInput!) {
    createRelease(input: $i) {
      id
    }
  }
`);

export const UPDATE_RELEASE = graphql(`
  mutation UpdateRelease($i: UpdateReleaseInput!) {
    updateRelease(input: $i) {
      id
      status
    }
  }
`);

export const CREATE_CHANGE = graphql(`
  mutation CreateChange($i: CreateChangeInput!) {
    createChange(input: $i) {
      id
    }
  }
`);

export const CREATE_DEPLOYMENT = graphql(`
  mutation CreateDeployment($i: CreateDeploymentInput!) {
    createDeployment(input: $i) {
      id
    }
  }
`);

export const UPDATE_DEPLOYMENT = graphql(`
  mutation UpdateDeployment($i: UpdateDeploymentInput!) {
    updateDeployment(input: $i) {
      id
    }
  }
`);
