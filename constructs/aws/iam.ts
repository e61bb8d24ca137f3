/** A statement of an IAM policy document. Actions are always named: no `*` on data services. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect?: "Allow" | "Deny";
  /** Only for resource policies: `*` (anyone, usually with a Deny) or `{ Service: ... }` / `{ AWS: ... }`. */
  readonly principals?: "*" | Record<string, string | readonly string[]>;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Record<string, Record<string, string | readonly string[]>>;
}

export interface ServicePrincipalTrust {
  readonly service: string;
  readonly conditions?: PolicyStatement["conditions"];
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      ...(s.principals ? { Principal: s.principals } : {}),
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

export function assumeRolePolicy(trust: ServicePrincipalTrust): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: trust.service },
        Action: "sts:AssumeRole",
        ...(trust.conditions ? { Condition: trust.conditions } : {}),
      },
    ],
  });
}

/**
 * What Step Functions needs to deliver execution logs to CloudWatch Logs (Step Functions developer
 * guide, "Logging using CloudWatch Logs"): log deliveries and the account's log resource policy are not
 * named resources, so these actions take `Resource: "*"` only.
 */
export const STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

/** The bucket policy statement refusing any request not made over TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    principals: "*",
    actions: ["s3:*"],
    resources: [bucketArn, `${bucketArn}/*`],
    conditions: { Bool: { "aws:SecureTransport": "false" } },
  };
}
