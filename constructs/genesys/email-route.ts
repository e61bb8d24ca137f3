import { Construct } from "constructs";
import { DataGenesyscloudRoutingEmailDomain } from "../../.gen/providers/genesyscloud/data-genesyscloud-routing-email-domain";
import { RoutingEmailDomain } from "../../.gen/providers/genesyscloud/routing-email-domain";
import { RoutingEmailRoute } from "../../.gen/providers/genesyscloud/routing-email-route";

/**
 * Where the route lives. An org has at most two email domains and the system creates one by default
 * (help.mypurecloud.com/articles/use-organizations-email-domain-name; the limits table of
 * help.mypurecloud.com/articles/email-rate-limits counts Genesys subdomains and custom domains together),
 * so one subdomain per environment soon uses them up: environments sharing an org can reuse a domain.
 */
export type EmailDomainChoice =
  /** Create a Genesys subdomain `<label>.<region's email suffix>`; destroy deletes it. */
  | { readonly kind: "subdomain"; readonly label: string }
  /** Add the route to a domain that already exists in the org (full name); destroy leaves the domain. */
  | { readonly kind: "existing"; readonly name: string };

export interface EmailRouteProps {
  readonly domain: EmailDomainChoice;
  /** Local part of the address, e.g. `support`. */
  readonly pattern: string;
  readonly fromName: string;
  readonly flowId: string;
}

/** An email route that hands a domain's mail for one address to an inbound email flow. */
export class EmailRoute extends Construct {
  /** The created subdomain, or the looked-up existing domain. */
  readonly domain: RoutingEmailDomain | DataGenesyscloudRoutingEmailDomain;
  /** The full domain name (label plus regional suffix for a subdomain): the domain's id. */
  readonly domainName: string;
  readonly route: RoutingEmailRoute;

  constructor(scope: Construct, id: string, props: EmailRouteProps) {
    super(scope, id);
    const choice = props.domain;
    if (choice.kind === "subdomain") {
      if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(choice.label)) {
        throw new Error(`subdomain label must be one lower-case DNS label (Genesys adds the suffix), got "${choice.label}"`);
      }
      this.domain = new RoutingEmailDomain(this, "domain", { domainId: choice.label, subdomain: true });
    } else {
      if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(choice.name)) {
        throw new Error(`existing email domain must be a full domain name such as acme.mypurecloud.com, got "${choice.name}"`);
      }
      // The data source matches the full domain id exactly (provider 1.84.1,
      // genesyscloud/routing_email_domain/genesyscloud_routing_email_domain_proxy.go getRoutingEmailDomainIdByNameFn).
      this.domain = new DataGenesyscloudRoutingEmailDomain(this, "existing-domain", { name: choice.name });
    }
    // The full domain name is the domain's id in both cases.
    this.domainName = this.domain.id;
    this.route = new RoutingEmailRoute(this, "route", {
      domainId: this.domain.id,
      pattern: props.pattern,
      fromName: props.fromName,
      flowId: props.flowId,
    });
  }
}
