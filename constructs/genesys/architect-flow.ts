import { readFileSync } from "node:fs";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { Flow } from "../../.gen/providers/genesyscloud/flow";

export interface ArchitectFlowProps {
  /** Archy YAML file with `{{key}}` placeholders. */
  readonly file: string;
  /** A value for every placeholder in the file: pass resource attributes, not copies of names. */
  readonly substitutions: Readonly<Record<string, string>>;
  /**
   * Ids of objects the published flow is bound to. Republishing is forced when any changes,
   * e.g. a data action replaced after a contract change keeps its name but gets a new id.
   */
  readonly republishWhenChanged: readonly string[];
}

/** The `{{key}}` placeholders of an Archy YAML file. */
export function flowPlaceholders(yaml: string): string[] {
  return [...new Set([...yaml.matchAll(/\{\{([A-Za-z0-9_]+)\}\}/g)].map((m) => m[1]!))].sort();
}

/** An Architect flow published from a YAML file in the repository, with substitutions checked at synth. */
export class ArchitectFlow extends Construct {
  readonly flow: Flow;

  constructor(scope: Construct, id: string, props: ArchitectFlowProps) {
    super(scope, id);
    const placeholders = flowPlaceholders(readFileSync(props.file, "utf8"));
    const missing = placeholders.filter((key) => !(key in props.substitutions));
    const unused = Object.keys(props.substitutions).filter((key) => !placeholders.includes(key));
    if (missing.length || unused.length) {
      throw new Error(
        `${props.file}: ` +
          [missing.length ? `no substitution for {{${missing.join("}}, {{")}}}` : "", unused.length ? `unused substitutions ${unused.join(", ")}` : ""]
            .filter(Boolean)
            .join("; "),
      );
    }
    // A path relative to the stack directory, so state does not record this machine's paths.
    const asset = new TerraformAsset(this, "yaml", { path: props.file, type: AssetType.FILE });
    this.flow = new Flow(this, "flow", {
      filepath: asset.path,
      substitutions: { ...props.substitutions },
      updateTriggerHash: Fn.sha256(Fn.join(",", [...props.republishWhenChanged])),
      forceUnlock: true,
    });
  }
}
