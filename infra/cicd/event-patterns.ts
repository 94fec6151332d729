/**
 * EventBridge patterns for the pipeline's triggers, as plain data so they can be tested offline.
 */

export function pushPattern(repositoryArn: string, branch: string) {
  return {
    source: ["aws.codecommit"],
    "detail-type": ["CodeCommit Repository State Change"],
    resources: [repositoryArn],
    detail: {
      event: ["referenceCreated", "referenceUpdated"],
      referenceType: ["branch"],
      referenceName: [branch],
    },
  };
}

/**
 * New objects whose key matches `keyGlob` (config/data-sets.ts), with EventBridge's wildcard filter:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function newDataPattern(bucketName: string, keyGlob: string) {
  return {
    source: ["aws.s3"],
    "detail-type": ["Object Created"],
    detail: { bucket: { name: [bucketName] }, object: { key: [{ wildcard: keyGlob }] } },
  };
}

export function pullRequestPattern(repositoryArn: string, branch: string) {
  return {
    source: ["aws.codecommit"],
    "detail-type": ["CodeCommit Pull Request State Change"],
    resources: [repositoryArn],
    detail: {
      event: ["pullRequestCreated", "pullRequestSourceBranchUpdated"],
      pullRequestStatus: ["Open"],
      destinationReference: [`refs/heads/${branch}`],
    },
  };
}

/** Turns a pull-request event into CodeBuild StartBuild parameters for the PR check. */
export const pullRequestBuildInput = {
  inputPaths: {
    pullRequestId: "$.detail.pullRequestId",
    sourceCommit: "$.detail.sourceCommit",
    destinationCommit: "$.detail.destinationCommit",
    repositoryName: "$.detail.repositoryNames[0]",
  },
  inputTemplate: JSON.stringify({
    sourceVersion: "<sourceCommit>",
    environmentVariablesOverride: [
      { name: "PULL_REQUEST_ID", value: "<pullRequestId>", type: "PLAINTEXT" },
      { name: "SOURCE_COMMIT", value: "<sourceCommit>", type: "PLAINTEXT" },
      { name: "DESTINATION_COMMIT", value: "<destinationCommit>", type: "PLAINTEXT" },
      { name: "REPOSITORY_NAME", value: "<repositoryName>", type: "PLAINTEXT" },
    ],
  }),
};
