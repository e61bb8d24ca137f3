import { Construct } from "constructs";
import { RoutingEmailDomain } from "../../.gen/providers/genesyscloud/routing-email-domain";
import { RoutingEmailRoute } from "../../.gen/providers/genesyscloud/routing-email-route";

export interface EmailRouteProps {
  /** Genesys subdomain label; Genesys appends the region's email suffix. */
  readonly subdomainLabel: string;
  /** Local part of the address, e.g. `support`. */
  readonly pattern: string;
  readonly fromName: string;
  readonly flowId: string;
}

/** A Genesys email subdomain and the route that hands its mail to an inbound email flow. */
export class EmailRoute extends Construct {
  readonly domain: RoutingEmailDomain;
  readonly route: RoutingEmailRoute;

  constructor(scope: Construct, id: string, props: EmailRouteProps) {
    super(scope, id);
    if (props.subdomainLabel.includes(".")) {
      throw new Error(`subdomainLabel must be a single label (Genesys adds the suffix), got "${props.subdomainLabel}"`);
    }
    this.domain = new RoutingEmailDomain(this, "domain", { domainId: props.subdomainLabel, subdomain: true });
    this.route = new RoutingEmailRoute(this, "route", {
      // The full domain name (label + regional suffix) is the domain resource's id.
      domainId: this.domain.id,
      pattern: props.pattern,
      fromName: props.fromName,
      flowId: props.flowId,
    });
  }
}
