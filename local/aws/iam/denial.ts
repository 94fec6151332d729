import { NamedError } from "../../../config/named-error";

/**
 * A call IAM refused, with the message AWS writes for it ("Troubleshoot access denied error
 * messages", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
 * `User: <caller> is not authorized to perform: <action> on resource: <resource> because no
 * identity-based policy allows the <action> action`, or `with an explicit deny in a resource-based
 * policy`. S3 quotes the resource ARN ("Troubleshoot access denied (403 Forbidden) errors in
 * Amazon S3", https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html).
 */

export type DenialReason =
  | "no-identity-allow"
  | "no-resource-allow"
  | "explicit-identity-deny"
  | "explicit-resource-deny"
  | "no-trust";

export class AccessDenied extends NamedError {
  constructor(
    readonly caller: string,
    readonly action: string,
    readonly resource: string,
    readonly reason: DenialReason,
    /** S3 writes the resource in quotes. */
    quoted = false,
  ) {
    super("AccessDenied", denialMessage(caller, action, quoted ? `"${resource}"` : resource, reason));
  }
}

function denialMessage(caller: string, action: string, resource: string, reason: DenialReason): string {
  const start = `User: ${caller} is not authorized to perform: ${action} on resource: ${resource}`;
  switch (reason) {
    case "no-identity-allow":
      return `${start} because no identity-based policy allows the ${action} action`;
    case "no-resource-allow":
      return `${start} because no resource-based policy allows the ${action} action`;
    case "explicit-identity-deny":
      return `${start} with an explicit deny in an identity-based policy`;
    case "explicit-resource-deny":
      return `${start} with an explicit deny in a resource-based policy`;
    case "no-trust":
      return `${start} because no role trust policy allows the ${action} action`;
  }
}
