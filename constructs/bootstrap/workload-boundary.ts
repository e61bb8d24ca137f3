import { IAspect } from "cdktf";
import { IConstruct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";

/**
 * Gives every IAM role of a stack the environment's permissions boundary (made by the bootstrap).
 * The CI deploy role may create and edit the environment's roles only when they carry it, so a
 * role's inline policy can never reach beyond the environment's own resources.
 */
export class WorkloadBoundary implements IAspect {
  constructor(private readonly boundaryArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.boundaryArn;
  }
}
