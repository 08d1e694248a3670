import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
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

@ObjectType({ description: 'A deployment suspected of causing an incident, ranked by the error evidence its version carries.' })
export class Suspect {
  @Field(() => ID)
  deploymentId!: string;

  @Field(() => String)
  service!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  environment!: string;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Float, { description: '0..1' })
  confidence!: number;

  @Field(() => Int, { description: 'Error spans of this version in the incident window.' })
  errorSpans!: number;

  @Field(() => Int, { description: 'Failing traces in the window that pass through this version.' })
  errorTraces!: number;

  @Field(() => Int, { description: "The incident's own trace ids that pass through this version." })
  incidentTraces!: number;

  @Field(() => [String])
  changeKeys!: string[];

  @Field(() => [String])
  commitShas!: string[];

  @Field(() => [String], { description: 'The evidence, in words.' })
  evidence!: string[];
}
