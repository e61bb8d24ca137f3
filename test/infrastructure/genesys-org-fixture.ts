/** An org in the admin fake as a first deploy meets it: Terraform's client, its rights, the catalogue. */
import { GENESYS_API_OPERATION_NAMES, GENESYS_API_OPERATIONS, GenesysApiOperation, permissionName } from "../../functions/shared/genesys/permissions";
import { TERRAFORM_PERMISSIONS_BY_TYPE } from "../../scripts/checks/doctor/terraform-client-rights";
import { FakeOAuthClient, FakeRole, GenesysAdminFake } from "../support/genesys-admin-fake";

/** What an administrator's token may do in the set-up. */
export const ADMIN_PERMISSIONS = ["authorization:role:view", "authorization:role:add", "authorization:role:edit", "authorization:grant:add", "oauth:client:view"];

export const TERRAFORM_PERMISSIONS = [...new Set(Object.values(TERRAFORM_PERMISSIONS_BY_TYPE).flat())].sort();

const functionPermissions = GENESYS_API_OPERATION_NAMES.flatMap((name) => {
  const op: GenesysApiOperation = GENESYS_API_OPERATIONS[name];
  return [op.permission, ...(op.alternatives ?? [])].filter((p) => p !== undefined).map(permissionName);
});

export interface SeededOrg {
  terraformClient: FakeOAuthClient;
  terraformRole: FakeRole;
  functionsRole?: FakeRole;
}

export function seedOrg(fake: GenesysAdminFake, options: { functionsRole: boolean; terraformMayAdminister?: boolean }): SeededOrg {
  for (const p of [...TERRAFORM_PERMISSIONS, ...functionPermissions, ...ADMIN_PERMISSIONS, "routing:queue:view", "conversation:email:create"]) fake.catalogue.add(p);
  fake.emailDomains.push({ id: "acme.mypurecloud.com", subDomain: true });
  for (const [id, name] of [
    ["amazon-eventbridge-source", "Amazon EventBridge Source"],
    ["custom-rest-actions", "Web Services Data Actions"],
    ["aws-lambda-data-actions", "AWS Lambda Data Actions"],
  ] as const) {
    fake.integrationTypes.set(id, { id, name });
  }
  const terraformRole = fake.addRole("CX as Code", [...TERRAFORM_PERMISSIONS, ...(options.terraformMayAdminister ? ADMIN_PERMISSIONS : [])]);
  const terraformClient = fake.addClient("terraform", [terraformRole]);
  if (!options.functionsRole) return { terraformClient, terraformRole };
  const functionsRole = fake.addRole("gcx-dev-functions", ["conversation:agentlessEmail:send", "conversation:communication:blindTransferQueue"]);
  terraformClient.roleDivisions.push({ roleId: functionsRole.id, divisionId: fake.homeDivision.id });
  return { terraformClient, terraformRole, functionsRole };
}
