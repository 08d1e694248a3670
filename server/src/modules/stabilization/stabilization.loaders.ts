import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { byId, groupBy, manyBy } from '../../graphql/loader-kit.js';
import { Escalation, StabilizationOwner, StabilizationWindow } from './stabilization.entity.js';

export function stabilizationLoaders(db: DataSource) {
  return {
    windowById: byId(db, StabilizationWindow),
    escalationById: byId(db, Escalation),
    windowsOfRelease: manyBy(db, StabilizationWindow, 'releaseId'),
    escalationsOfWindow: new DataLoader<string, Escalation[]>(async (ids) => {
      const rows = await db.getRepository(Escalation).find({ where: { windowId: In([...ids]) }, order: { raisedAt: 'DESC', id: 'ASC' } });
      return groupBy(ids, rows, (r) => [r.windowId]);
    }),
    ownersOfWindow: new DataLoader<string, StabilizationOwner[]>(async (ids) => {
      const rows = await db.getRepository(StabilizationOwner).find({ where: { windowId: In([...ids]) }, order: { serviceId: 'ASC' } });
      return groupBy(ids, rows, (r) => [r.windowId]);
    }),
  };
}
