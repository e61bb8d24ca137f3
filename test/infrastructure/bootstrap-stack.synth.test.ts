import { App, Testing } from "cdktf";
import { CiSettings, parseCiSettings } from "../../config/ci";
import { Environment } from "../../config/environment";
import { loadEnvironments } from "../../config/load";
import { TERRAFORM_VERSION } from "../../config/terraform";
import { DEPLOY_GRANTS, PLAN_GRANTS, READ_ONLY_DATA_SOURCES, workloadBoundaryStatements } from "../../constructs/bootstrap/permissions";
import { addBootstrapStacks, bootstrapPlans, BootstrapStack } from "../../stacks/bootstrap-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { Block, onlyResource, resourcesOf, Synthesized, variant } from "../support/synth";

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[] | string;
  Resource: string[] | string;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}
const statementsOf = (policy: unknown) => (JSON.parse(policy as string) as { Statement: Statement[] }).Statement;
const CI: CiSettings = parseCiSettings({ github: { repository: "acme/gcx" } });

function synthBootstrap(environments: Environment[], ci: CiSettings = CI): Map<string, Synthesized> {
  const app = Testing.app();
  const stacks = addBootstrapStacks(app, environments, ci);
  return new Map(stacks.map((s: BootstrapStack) => [s.node.id, JSON.parse(Testing.synth(s)) as Synthesized]));
}

function byName(stack: Synthesized, type: string, key: string, value: string): Block {
  const found = resourcesOf(stack, type).filter((r) => r[key] === value);
  if (found.length !== 1) throw new Error(`expected one ${type} with ${key}=${value}, found ${found.length}`);
  return found[0]!;
}
const policyOfRole = (stack: Synthesized, roleId: string) =>
  statementsOf(resourcesOf(stack, "aws_iam_role_policy").find((p) => p.role === `\${aws_iam_role.${roleId}.name}`)!.policy);
const roleId = (stack: Synthesized, name: string) => Object.entries(stack.resource.aws_iam_role!).find(([, r]) => r.name === name)![0];

describe("the bootstrap of each AWS account", () => {
  const shipped = loadEnvironments();
  const stacks = synthBootstrap(shipped);
  const prod = stacks.get("bootstrap-222222222222")!;

  it("is one stack per account CI deploys to, with its state outside the build folder and the pinned terraform", () => {
    expect([...stacks.keys()]).toEqual(["bootstrap-111111111111", "bootstrap-222222222222"]);
    expect(prod.terraform.backend).toEqual({ local: { path: "../../../.terraform-state/bootstrap-222222222222.tfstate" } });
    expect(prod.terraform.required_version).toBe(TERRAFORM_VERSION);
    expect(prod.provider.aws).toEqual([expect.objectContaining({ region: "us-east-1", allowed_account_ids: ["222222222222"] })]);
    const sandbox = variant("dev", (raw) => {
      raw.state = { backend: "local" };
      delete raw.ci;
    }, "sandbox");
    expect(bootstrapPlans([sandbox])).toEqual([]);
  });

  it("moves its own state into the bucket it created once the account is listed", () => {
    const moved = synthBootstrap(shipped, parseCiSettings({ github: { repository: "acme/gcx" }, bootstrap: { accountsWithRemoteState: ["222222222222"] } }));
    expect(moved.get("bootstrap-222222222222")!.terraform.backend).toEqual({
      s3: {
        bucket: "genesys-cx-intelligence-state-222222222222-us-east-1",
        key: "genesys-cx-intelligence/bootstrap-222222222222.tfstate",
        region: "us-east-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(moved.get("bootstrap-111111111111")!.terraform.backend).toHaveProperty("local");
  });

  it("creates a versioned, encrypted, private, TLS-only state bucket that terraform never destroys", () => {
    const bucket = onlyResource(prod, "aws_s3_bucket");
    expect(bucket).toMatchObject({ bucket: "genesys-cx-intelligence-state-222222222222-us-east-1", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(onlyResource(prod, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(onlyResource(prod, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, bucket_key_enabled: true },
    ]);
    expect(onlyResource(prod, "aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(onlyResource(prod, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(onlyResource(prod, "aws_s3_bucket_lifecycle_configuration").rule).toEqual([
      {
        id: "expire-old-state-versions",
        status: "Enabled",
        filter: [{ prefix: "" }],
        expiration: [{ expired_object_delete_marker: true }],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
      },
    ]);
    const bucketArn = "${aws_s3_bucket.state-bucket-us-east-1_bucket_D2036404.arn}";
    expect(statementsOf(onlyResource(prod, "aws_s3_bucket_policy").policy)).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("keeps each environment's CI roles out of the other environments' state in a shared bucket", () => {
    const staging = variant("prod", (raw) => (raw.namePrefix = "gcx"), "staging");
    const shared = synthBootstrap([...shipped, staging]).get("bootstrap-222222222222")!;
    const statements = statementsOf(onlyResource(shared, "aws_s3_bucket_policy").policy);
    const bucketArn = "${aws_s3_bucket.state-bucket-us-east-1_bucket_D2036404.arn}";
    const deny = (key: string, others: string) => ({
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"],
      Resource: [`${bucketArn}/genesys-cx-intelligence/${key}.tfstate`, `${bucketArn}/genesys-cx-intelligence/${key}.tfstate.tflock`],
      Condition: { ArnEquals: { "aws:PrincipalArn": [`arn:aws:iam::222222222222:role/ci/gcx-${others}-ci-plan`, `arn:aws:iam::222222222222:role/ci/gcx-${others}-ci-deploy`] } },
    });
    expect(statements.slice(1)).toEqual([expect.objectContaining(deny("prod", "staging")), expect.objectContaining(deny("staging", "prod"))]);
  });

  it("creates GitHub's OIDC provider without a thumbprint, or looks up the account's existing one", () => {
    expect(onlyResource(prod, "aws_iam_openid_connect_provider")).toEqual({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
    const existing = synthBootstrap(shipped, parseCiSettings({ github: { repository: "acme/gcx" }, bootstrap: { accountsWithGithubOidcProvider: ["222222222222"] } })).get("bootstrap-222222222222")!;
    expect(resourcesOf(existing, "aws_iam_openid_connect_provider")).toHaveLength(0);
    expect(Object.values(existing.data.aws_iam_openid_connect_provider!)).toEqual([{ url: "https://token.actions.githubusercontent.com" }]);
  });

  it("trusts each role to the jobs of one GitHub environment only, for as long as the longest job", () => {
    const trust = (sub: string) => [
      {
        Effect: "Allow",
        Principal: { Federated: "${aws_iam_openid_connect_provider.github-oidc_provider_D7593BA3.arn}" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": sub } },
      },
    ];
    const plan = byName(prod, "aws_iam_role", "name", "gcx-prod-ci-plan");
    const deploy = byName(prod, "aws_iam_role", "name", "gcx-prod-ci-deploy");
    expect(statementsOf(plan.assume_role_policy)).toEqual(trust("repo:acme/gcx:environment:prod-plan"));
    expect(statementsOf(deploy.assume_role_policy)).toEqual(trust("repo:acme/gcx:environment:prod"));
    expect([plan.path, deploy.path]).toEqual(["/ci/", "/ci/"]);
    expect([plan.max_session_duration, deploy.max_session_duration]).toEqual([3600, 21600]);

    const immutable = synthBootstrap(shipped, parseCiSettings({ github: { repository: "acme/gcx", ownerId: 42, repositoryId: 4242 } })).get("bootstrap-222222222222")!;
    expect(statementsOf(byName(immutable, "aws_iam_role", "name", "gcx-prod-ci-deploy").assume_role_policy)[0]!.Condition!.StringEquals).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": "repo:acme@42/gcx@4242:environment:prod",
    });
  });

  it("gives the plan role ReadOnlyAccess, its own secrets, and exactly the state and lock rights", () => {
    const id = roleId(prod, "gcx-prod-ci-plan");
    expect(resourcesOf(prod, "aws_iam_role_policy_attachment").filter((a) => a.role === `\${aws_iam_role.${id}.name}`).map((a) => a.policy_arn)).toEqual([
      "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ]);
    const bucket = "arn:aws:s3:::genesys-cx-intelligence-state-222222222222-us-east-1";
    expect(policyOfRole(prod, id)).toEqual([
      { Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["arn:aws:secretsmanager:us-east-1:222222222222:secret:gcx-prod-*"] },
      { Sid: "RandomPasswords", Effect: "Allow", Action: ["secretsmanager:GetRandomPassword"], Resource: ["*"] },
      { Sid: "ListStateBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucket] },
      { Sid: "ReadState", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucket}/genesys-cx-intelligence/prod.tfstate`, `${bucket}/genesys-cx-intelligence/prod.tfstate.tflock`] },
      { Sid: "StateLock", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: [`${bucket}/genesys-cx-intelligence/prod.tfstate.tflock`] },
      {
        Sid: "SealPlan",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey"],
        Resource: ["${aws_kms_key.plan-key-us-east-1_key_96894AD0.arn}"],
        Condition: { StringEquals: { "kms:EncryptionContext:environment": "prod" } },
      },
    ]);
  });

  it("gives the deploy role writes on the environment's own resources only, the state, and the sealed plan's key", () => {
    const statements = policyOfRole(prod, roleId(prod, "gcx-prod-ci-deploy"));
    const bucket = "arn:aws:s3:::genesys-cx-intelligence-state-222222222222-us-east-1";
    expect(statements.map((s) => s.Sid)).toEqual([
      ...PLAN_GRANTS.map((g) => g.sid),
      ...DEPLOY_GRANTS.map((g) => g.sid),
      "ListStateBucket",
      "ReadWriteState",
      "StateLock",
      "OpenPlan",
    ]);
    expect(statements.slice(-3)).toEqual([
      { Sid: "ReadWriteState", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${bucket}/genesys-cx-intelligence/prod.tfstate`] },
      { Sid: "StateLock", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`${bucket}/genesys-cx-intelligence/prod.tfstate.tflock`] },
      {
        Sid: "OpenPlan",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: ["${aws_kms_key.plan-key-us-east-1_key_96894AD0.arn}"],
        Condition: { StringEquals: { "kms:EncryptionContext:environment": "prod" } },
      },
    ]);
    const broader = new Set([...PLAN_GRANTS, ...DEPLOY_GRANTS].filter((g) => g.broader).map((g) => g.sid));
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) expect(action).toMatch(/^[a-z0-9]+:[A-Za-z]+$/); // named actions only, no wildcards
      if (broader.has(statement.Sid!) || ["ListStateBucket", "ReadWriteState", "StateLock", "OpenPlan"].includes(statement.Sid!)) continue;
      for (const resource of [statement.Resource].flat()) {
        expect({ sid: statement.Sid, resource }).toEqual({ sid: statement.Sid, resource: expect.stringMatching(/(:|\/)gcx-prod-|\/aws\.partner\/genesys\.com\/cloud\/\*\/gcx-prod-events/) });
      }
    }
    // Roles only with the environment's boundary; never the CI roles themselves (they live under /ci/).
    expect(statements.find((s) => s.Sid === "ManageRolesWithinBoundary")).toEqual({
      Sid: "ManageRolesWithinBoundary",
      Effect: "Allow",
      Action: ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"],
      Resource: ["arn:aws:iam::222222222222:role/gcx-prod-*"],
      Condition: { StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::222222222222:policy/ci/gcx-prod-workload-boundary" } },
    });
    for (const broad of [...PLAN_GRANTS, ...DEPLOY_GRANTS].filter((g) => g.broader)) expect(broad.broader!.length).toBeGreaterThan(40);
    const sid = (name: string) => statements.find((s) => s.Sid === name);
    expect(sid("PassRolesToServices")).toEqual({
      Sid: "PassRolesToServices",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: ["arn:aws:iam::222222222222:role/gcx-prod-*"],
      Condition: { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "states.amazonaws.com", "comprehend.amazonaws.com"] } },
    });
    expect(sid("ManageEventSourceMappings")).toEqual({
      Sid: "ManageEventSourceMappings",
      Effect: "Allow",
      Action: ["lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"],
      Resource: ["*"],
      Condition: { ArnLike: { "lambda:FunctionArn": "arn:aws:lambda:us-east-1:222222222222:function:gcx-prod-*" } },
    });
    expect(sid("ManageGenesysEventBus")!.Resource).toEqual([
      "arn:aws:events:us-east-1:222222222222:event-bus/aws.partner/genesys.com/cloud/*/gcx-prod-events",
      "arn:aws:events:us-east-1:222222222222:rule/aws.partner/genesys.com/cloud/*/gcx-prod-events/gcx-prod-*",
    ]);
    expect(sid("ManageRestApis")).toEqual({
      Sid: "ManageRestApis",
      Effect: "Allow",
      Action: ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
      Resource: ["/restapis", "/restapis/*", "/apikeys", "/apikeys/*", "/usageplans", "/usageplans/*", "/tags/*"].map((p) => `arn:aws:apigateway:us-east-1::${p}`),
    });
    expect(sid("ManageBuckets")!.Resource).toEqual(["arn:aws:s3:::gcx-prod-*", "arn:aws:s3:::gcx-prod-*/*"]);
  });

  it("bounds the environment's roles to its own resources, with no IAM beyond passing its roles and no STS", () => {
    const boundary = statementsOf(onlyResource(prod, "aws_iam_policy").policy);
    expect(onlyResource(prod, "aws_iam_policy")).toMatchObject({ name: "gcx-prod-workload-boundary", path: "/ci/" });
    const actions = boundary.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => /^(iam|sts|organizations|account):/.test(a))).toEqual(["iam:PassRole"]);
    expect(boundary.find((s) => s.Sid === "PassOwnRoles")!.Resource).toEqual(["arn:aws:iam::222222222222:role/gcx-prod-*"]);
    for (const statement of boundary.filter((s) => s.Sid === "OwnResources")) {
      for (const resource of [statement.Resource].flat()) expect(resource).toMatch(/gcx-prod-/);
    }
    expect(boundary.every((s) => s.Effect === "Allow")).toBe(true);
  });

  it("keeps every policy within IAM's size limits", () => {
    const compact = (policy: unknown) => JSON.stringify(JSON.parse(policy as string)).length;
    for (const role of ["gcx-prod-ci-plan", "gcx-prod-ci-deploy"]) {
      const id = roleId(prod, role);
      const total = resourcesOf(prod, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${id}.name}`).reduce((sum, p) => sum + compact(p.policy), 0);
      expect(total).toBeLessThanOrEqual(10_240); // inline policies per role
    }
    expect(compact(onlyResource(prod, "aws_iam_policy").policy)).toBeLessThanOrEqual(6_144); // a managed policy
  });

  it("seals plans with a rotating KMS key whose use the account's IAM policies decide", () => {
    expect(onlyResource(prod, "aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(onlyResource(prod, "aws_kms_alias").name).toBe("alias/genesys-cx-intelligence-ci-plans");
  });
});

describe("what the deploy role may do covers what the environment stacks manage", () => {
  const environments = loadEnvironments();
  const variants = [
    ...environments,
    variant("dev", (raw) => {
      raw.emailRouting.classifier = { backend: "comprehend" };
      raw.attachmentRouting.classifier = { backend: "comprehend" };
      raw.observability = { tracing: true, executionLogLevel: "ALL" };
    }),
    variant("prod", (raw) => (raw.emailRouting.frontDoor = "api-gateway")),
  ];
  const stacks = variants.map((environment) => {
    const app = new App({ outdir: Testing.app().outdir, skipValidation: true });
    const stack = new EnvironmentStack(app, environment);
    return { environment, stack: JSON.parse(Testing.synth(stack)) as Synthesized };
  });

  it("names every AWS resource type and data source of every stack in a grant", () => {
    const granted = new Set([...DEPLOY_GRANTS, ...PLAN_GRANTS].flatMap((g) => g.types));
    const missing = new Set<string>();
    for (const { stack } of stacks) {
      for (const type of Object.keys(stack.resource).filter((t) => t.startsWith("aws_"))) if (!granted.has(type)) missing.add(type);
      for (const type of Object.keys(stack.data ?? {}).filter((t) => t.startsWith("aws_"))) {
        if (!granted.has(`data.${type}`) && !READ_ONLY_DATA_SOURCES.includes(type)) missing.add(`data.${type}`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  it("gives every role of a CI environment the workload boundary, and a sandbox's roles none", () => {
    for (const { environment, stack } of stacks) {
      const roles = resourcesOf(stack, "aws_iam_role");
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) expect(role.permissions_boundary).toBe(`arn:aws:iam::${environment.aws.accountId}:policy/ci/gcx-${environment.name}-workload-boundary`);
    }
    const sandbox = variant("dev", (raw) => {
      raw.state = { backend: "local" };
      delete raw.ci;
    }, "sandbox");
    const stack = new EnvironmentStack(Testing.app(), sandbox);
    for (const role of resourcesOf(JSON.parse(Testing.synth(stack)) as Synthesized, "aws_iam_role")) expect(role).not.toHaveProperty("permissions_boundary");
  });

  it("keeps every role policy of every stack within the workload boundary", () => {
    const outside: string[] = [];
    for (const { environment, stack } of stacks) {
      const boundary = workloadBoundaryStatements(environment).map((s) => ({ actions: s.actions.map(globToRegExp), resources: s.resources.map(globToRegExp) }));
      const resolve = referenceResolver(stack, environment);
      for (const [name, block] of Object.entries(stack.resource.aws_iam_role_policy ?? {})) {
        for (const statement of statementsOf(block.policy).filter((s) => s.Effect === "Allow")) {
          for (const action of [statement.Action].flat()) {
            for (const resource of [statement.Resource].flat().map(resolve)) {
              const within = boundary.some((b) => b.actions.some((a) => a.test(action)) && b.resources.some((r) => r.test(resource)));
              if (!within) outside.push(`${environment.name} ${name}: ${action} on ${resource}`);
            }
          }
        }
      }
    }
    expect(outside).toEqual([]);
  });
});

/** IAM's wildcards: `*` any run of characters, `?` one; action names compare case-insensitively. */
function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, glob.includes(":") && !glob.startsWith("arn:") ? "i" : "");
}

/** Replaces `${aws_x.y.arn}` references in a policy with the ARN the resource will have. */
function referenceResolver(stack: Synthesized, environment: Environment): (value: string) => string {
  const { region, accountId: account } = environment.aws;
  const arnOf = (type: string, block: Block, attribute: string): string | undefined => {
    const name = (key: string) => String(block[key]).replace(/\$\{[^}]+\}/g, "ORG");
    switch (`${type}.${attribute}`) {
      case "aws_s3_bucket.arn":
        return `arn:aws:s3:::${name("bucket")}`;
      case "aws_dynamodb_table.arn":
        return `arn:aws:dynamodb:${region}:${account}:table/${name("name")}`;
      case "aws_dynamodb_table.stream_arn":
        return `arn:aws:dynamodb:${region}:${account}:table/${name("name")}/stream/2026-01-01T00:00:00.000`;
      case "aws_sqs_queue.arn":
        return `arn:aws:sqs:${region}:${account}:${name("name")}`;
      case "aws_sns_topic.arn":
        return `arn:aws:sns:${region}:${account}:${name("name")}`;
      case "aws_lambda_function.arn":
        return `arn:aws:lambda:${region}:${account}:function:${name("function_name")}`;
      case "aws_sfn_state_machine.arn":
      case "aws_sfn_state_machine.id":
        return `arn:aws:states:${region}:${account}:stateMachine:${name("name")}`;
      case "aws_secretsmanager_secret.arn":
      case "aws_secretsmanager_secret.id":
        return `arn:aws:secretsmanager:${region}:${account}:secret:${block.name !== undefined ? name("name") : name("name_prefix")}-AbCdEf`;
      case "aws_iam_role.arn":
        return `arn:aws:iam::${account}:role/${name("name")}`;
      case "aws_comprehend_document_classifier.arn":
        return `arn:aws:comprehend:${region}:${account}:document-classifier/${name("name")}/version/1`;
      case "aws_cloudwatch_event_bus.arn":
        return `arn:aws:events:${region}:${account}:event-bus/${name("name")}`;
      case "aws_cloudwatch_log_group.arn":
        return `arn:aws:logs:${region}:${account}:log-group:${name("name")}`;
      default:
        // A plain attribute written in the configuration (a name used inside an ARN).
        return typeof block[attribute] === "string" ? name(attribute) : undefined;
    }
  };
  // The endpoint manager answers with the ARN of the endpoint it was asked to manage (input EndpointName).
  const endpointOf = (invocation: string) => {
    const name = /EndpointName\W+([a-z0-9-]+)/.exec(String(stack.resource.aws_lambda_invocation?.[invocation]?.input ?? ""))?.[1];
    return name ? `arn:aws:comprehend:${region}:${account}:document-classifier-endpoint/${name}` : undefined;
  };
  return (value) =>
    value
      .replace(/\$\{jsondecode\(aws_lambda_invocation\.([A-Za-z0-9_-]+)\.result\)\.EndpointArn\}/g, (whole, id: string) => {
        const endpoint = endpointOf(id);
        if (!endpoint) throw new Error(`the boundary test cannot resolve ${whole}`);
        return endpoint;
      })
      .replace(/\$\{(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g, (whole, data: string | undefined, type: string, id: string, attribute: string) => {
      const block = (data ? stack.data : stack.resource)[type]?.[id];
      const resolved = !block ? undefined : data ? (type === "aws_kms_alias" && attribute === "target_key_arn" ? `arn:aws:kms:${region}:${account}:key/0000` : undefined) : arnOf(type, block, attribute);
      if (!resolved) throw new Error(`the boundary test cannot resolve ${whole}: teach referenceResolver its ARN`);
      return resolved;
    });
}
