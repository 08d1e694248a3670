/*
 * The demo's small web shop: three services, each with its own version line (so a version names one
 * service's release), an on-call rotation, and the share of its requests that convert (the business
 * KPI the demo's Prometheus serves).
 */

export type ServiceName = 'checkout' | 'search' | 'payments';

export interface ShopService {
  name: ServiceName;
  /** The major version of its line: checkout 2.x, payments 3.x, search 5.x. */
  major: number;
  /** The route of its server spans. */
  route: string;
  /** The on-call rotation: the service's n-th stabilization window is owned by the person n mod length. */
  owners: string[];
  /** The share of successful requests that convert (an order, a clicked result, an authorised card). */
  conversion: number;
  /** What its releases change, in turn (the change tickets' and commits' titles). */
  features: string[];
}

export const SHOP: Record<ServiceName, ShopService> = {
  checkout: {
    name: 'checkout',
    major: 2,
    route: 'POST /checkout',
    owners: ['ana', 'ben'],
    conversion: 0.72,
    features: ['faster card authorisation', 'one-page checkout', 'saved delivery addresses', 'gift cards at checkout'],
  },
  search: {
    name: 'search',
    major: 5,
    route: 'GET /search',
    owners: ['chen', 'dara'],
    conversion: 0.78,
    features: ['typo-tolerant queries', 'facets for sizes', 'cached suggestions'],
  },
  payments: {
    name: 'payments',
    major: 3,
    route: 'POST /authorise',
    owners: ['eve', 'finn'],
    conversion: 0.95,
    features: ['3-D Secure 2.2', 'retry budget for the card network', 'idempotency keys'],
  },
};

/** Who a page climbs to when nobody acknowledges it (the demo's escalation levels). */
export const ESCALATION_TARGETS = ['owner', 'team-lead', 'engineering-manager'] as const;

export const ENVIRONMENTS = { staging: 'staging', production: 'production' } as const;
