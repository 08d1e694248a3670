import { Field, ID, InputType } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { TimeRange } from '../../graphql/time-range.js';
import { Incident, IncidentSeverity, IncidentStatus } from './incident.entity.js';

export const IncidentConnection = connectionType('Incident', Incident);

@InputType()
export class IncidentFilter {
  @Field(() => [IncidentStatus], { nullable: true })
  status?: IncidentStatus[] | null;

  @Field(() => [IncidentSeverity], { nullable: true })
  severity?: IncidentSeverity[] | null;

  @Field(() => ID, { nullable: true })
  serviceId?: string | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => TimeRange, { nullable: true })
  openedAt?: TimeRange | null;
}
