import { computed, watch, type ComputedRef } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { useLiveData, type LiveData } from '../hub/live-data';
import {
  budgetRows,
  deployedVersions,
  describeChart,
  metricOptions,
  pickVersions,
  readKpiQuery,
  readRangeChoice,
  resolveSelection,
  writeKpiQuery,
  type BudgetRow,
  type KpiQuery,
  type KpiSelection,
  type RangeChoice,
  type VersionPair,
} from './kpi-model';
import type { KpiCatalog, KpiDeployment, KpiDeploymentDetails, KpiSource, KpiVerdict } from './kpi-source';

/** What the view shows besides the series: the catalogue, the selection, its deployments and the new one's details. */
export interface KpiOverview {
  catalog: KpiCatalog;
  selection: KpiSelection | null;
  deployments: KpiDeployment[];
  pair: VersionPair<KpiDeployment>;
  details: KpiDeploymentDetails | null;
}

/** Loads what `wanted` names, filling in defaults (the newest production deployment, error_rate). */
export async function loadKpiOverview(source: KpiSource, wanted: KpiQuery): Promise<KpiOverview> {
  const catalog = await source.loadCatalog();
  const selection = resolveSelection(wanted, catalog.services, catalog.deployments);
  const deployments = selection?.serviceId && selection.environmentId ? await source.loadDeployments(selection.serviceId, selection.environmentId) : [];
  const pair = pickVersions(deployments, selection?.pinnedVersion ?? null);
  const details = pair.current ? await source.loadDetails(pair.current.id) : null;
  return { catalog, selection, deployments, pair, details };
}

/** The URL's keys for a selection (only its own: a key of an older selection must not linger). */
export const selectionQuery = (s: KpiSelection | null): KpiQuery =>
  s ? { service: s.service, environment: s.environment, metric: s.metric, ...(s.pinnedVersion ? { version: s.pinnedVersion } : {}) } : {};

const sameQuery = (a: KpiQuery, b: KpiQuery): boolean => JSON.stringify(writeKpiQuery(a)) === JSON.stringify(writeKpiQuery(b));

export interface KpiSelectionState {
  overview: LiveData<KpiOverview>;
  selection: ComputedRef<KpiSelection | null>;
  pair: ComputedRef<VersionPair<KpiDeployment> | null>;
  current: ComputedRef<KpiDeployment | null>;
  previous: ComputedRef<KpiDeployment | null>;
  verdicts: ComputedRef<KpiVerdict[]>;
  /** `?range=`: a fixed look-back instead of "since the previous deployment". */
  rangeChoice: ComputedRef<RangeChoice | null>;
  /** The error budget burnt, per SLO of the selection; null when the new version belongs to no release. */
  budget: ComputedRef<BudgetRow[] | null>;
  chartLabel: ComputedRef<string>;
  serviceOptions: ComputedRef<string[]>;
  environmentOptions: ComputedRef<string[]>;
  metrics: ComputedRef<string[]>;
  versionOptions: ComputedRef<string[]>;
  newestVersion: ComputedRef<string | null>;
  /** A select changed: the URL names the new selection (a new service forgets an environment it lacks, and the pinned version). */
  choose(change: KpiQuery): void;
  chooseRange(value: string): void;
}

/**
 * What the Live KPIs view shows, kept in the URL: the URL is read into a selection (defaults filled
 * in and written back, so a wall screen's address names what it shows), the selects write it, and
 * the deployments and verdicts reload on their release events (never the series: see useKpiSeries).
 */
export function useKpiSelection(source: KpiSource): KpiSelectionState {
  const route = useRoute();
  const router = useRouter();
  const query = computed(() => readKpiQuery(route.query));

  // Deployments and verdicts arrive as release events: they reload this (the markers), never the series.
  const overview = useLiveData<KpiOverview>({ load: () => loadKpiOverview(source, query.value), watchChanges: (onChange) => source.watchChanges(onChange) });
  const data = overview.data;

  const selection = computed(() => data.value?.selection ?? null);
  const pair = computed(() => data.value?.pair ?? null);
  const current = computed(() => pair.value?.current ?? null);
  const previous = computed(() => pair.value?.previous ?? null);
  const verdicts = computed(() => data.value?.details?.verdicts ?? []);
  const rangeChoice = computed(() => readRangeChoice(route.query['range']));

  // Another URL (a select, the back button): load for it, unless it is what is shown already.
  watch(query, (next) => {
    if (!data.value || !sameQuery(next, selectionQuery(selection.value))) void overview.reload();
  });

  // Defaults go into the URL, so a wall screen's address names what it shows.
  watch(selection, (s) => {
    if (!s) return;
    const wanted = selectionQuery(s);
    // Only the selection's own keys (and the range): a key of an older selection must not linger.
    const range = readRangeChoice(route.query['range']);
    if (!sameQuery(query.value, wanted)) void router.replace({ query: { ...writeKpiQuery(wanted), ...(range ? { range } : {}) } });
  });

  const budget = computed(() => {
    const details = data.value?.details;
    if (!details?.release) return null;
    return budgetRows(details.release.errorBudget, details.slos, selection.value?.serviceId ?? null, selection.value?.environmentId ?? null);
  });

  const chartLabel = computed(() =>
    selection.value ? describeChart(selection.value, current.value?.version ?? null, previous.value?.version ?? null) : 'KPI chart',
  );

  const serviceOptions = computed(() => {
    const names = (data.value?.catalog.services ?? []).map((s) => s.name);
    const chosen = selection.value?.service;
    return chosen && !names.includes(chosen) ? [chosen, ...names] : names;
  });
  const environmentOptions = computed(() => {
    const s = selection.value;
    const names = data.value?.catalog.services.find((service) => service.name === s?.service)?.environments.map((e) => e.name) ?? [];
    return s && !names.includes(s.environment) ? [s.environment, ...names] : names;
  });
  const metrics = computed(() => metricOptions(selection.value?.metric, ...verdicts.value.map((v) => v.criterion.metric)));
  const versionOptions = computed(() => deployedVersions(data.value?.deployments ?? []));
  const newestVersion = computed(() => pickVersions(data.value?.deployments ?? []).current?.version ?? null);

  function choose(change: KpiQuery): void {
    const next: KpiQuery = { ...selectionQuery(selection.value), ...change };
    if ('service' in change) {
      const environments = data.value?.catalog.services.find((service) => service.name === change.service)?.environments ?? [];
      if (!environments.some((e) => e.name === next.environment)) delete next.environment;
      delete next.version;
    }
    if ('environment' in change) delete next.version;
    if (!next.version) delete next.version;
    void router.push({ query: writeKpiQuery(next) });
  }

  function chooseRange(value: string): void {
    const { range: _old, ...rest } = route.query;
    void router.replace({ query: readRangeChoice(value) ? { ...rest, range: value } : rest });
  }

  return {
    overview,
    selection,
    pair,
    current,
    previous,
    verdicts,
    rangeChoice,
    budget,
    chartLabel,
    serviceOptions,
    environmentOptions,
    metrics,
    versionOptions,
    newestVersion,
    choose,
    chooseRange,
  };
}
