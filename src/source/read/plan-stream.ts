/**
 * A configured stream's declaration, planned for this run: its partitions (accounts × how the
 * declaration partitions its reads) and the source of its pages, chosen by the partitioning kind.
 */
import type { ConfiguredStream } from '../../protocol/inputs.js';
import type { PageSource, PartitionPlan, PlannedStream } from '../engine/types.js';
import type { StreamDeclaration } from '../streams/declaration.js';
import { planReportDays } from './attribution/report-days.js';
import { ListPages } from './list-pages.js';
import { planParentRecords } from './parent-records.js';
import type { PlanContext } from './plan.js';
import { planWindowed, wholeListPartitions } from './windowed-plan.js';

export async function planStream(declaration: StreamDeclaration, configured: ConfiguredStream, context: PlanContext): Promise<PlannedStream> {
  const { config } = context;
  const incremental = configured.syncMode === 'incremental';
  const pageSize = declaration.maxPageSize === undefined ? config.page_size : Math.min(config.page_size, declaration.maxPageSize);
  const { partitions, pages } = await planReads(declaration, incremental, pageSize, context);
  return {
    declaration,
    syncMode: configured.syncMode,
    partitions,
    floorMs: config.startMs,
    hadState: incremental && context.states.get(declaration.name) != null,
    pageSize,
    pages,
  };
}

async function planReads(
  declaration: StreamDeclaration,
  incremental: boolean,
  pageSize: number,
  context: PlanContext,
): Promise<{ partitions: PartitionPlan[]; pages: PageSource }> {
  const { client, logger, config } = context;
  const reads = declaration.partitioning;
  const list = { streamName: declaration.name, listName: declaration.name, path: declaration.path, pageSize, lookbackDays: config.lookback_window_days };
  switch (reads.kind) {
    case 'whole-list':
      return { partitions: wholeListPartitions(context), pages: new ListPages(client, logger, { ...list, windowed: false, changeQueries: new Map() }) };
    case 'date-windows': {
      const { partitions, changeQueries } = planWindowed(context, declaration.name, incremental, reads);
      return { partitions, pages: new ListPages(client, logger, { ...list, windowed: true, changeQueries }) };
    }
    case 'parent-records':
      return planParentRecords(declaration, reads, incremental, pageSize, context);
    case 'report-days':
      return planReportDays(declaration, reads, incremental, pageSize, context);
  }
}
