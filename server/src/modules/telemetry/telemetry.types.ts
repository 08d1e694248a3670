import { Field, Float, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType({ description: 'A span kept by the OTLP receiver (spans of traces with an error, for the retention).' })
export class Span {
  @Field(() => String)
  traceId!: string;

  @Field(() => String)
  spanId!: string;

  @Field(() => String, { nullable: true })
  parentSpanId!: string | null;

  @Field(() => String, { description: 'service.name' })
  service!: string;

  @Field(() => String, { nullable: true, description: 'service.version' })
  version!: string | null;

  @Field(() => String, { nullable: true, description: 'deployment.environment.name' })
  environment!: string | null;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: 'OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.' })
  kind!: number;

  @Field(() => String, { description: 'UNSET, OK or ERROR.' })
  status!: string;

  @Field(() => String, { nullable: true })
  statusMessage!: string | null;

  @Field(() => Date)
  startTime!: Date;

  @Field(() => Float)
  durationMs!: number;

  @Field(() => GraphQLJSON)
  attributes!: unknown;
}

@ObjectType({ description: 'A log record that carried a trace id.' })
export class TraceLog {
  @Field(() => String, { nullable: true })
  spanId!: string | null;

  @Field(() => String)
  service!: string;

  @Field(() => Date)
  time!: Date;

  @Field(() => Int)
  severityNumber!: number;

  @Field(() => String, { nullable: true })
  severityText!: string | null;

  @Field(() => String, { nullable: true })
  body!: string | null;

  @Field(() => GraphQLJSON)
  attributes!: unknown;
}

@ObjectType({ description: "A trace's spans across services (start order) and its logs (time order)." })
export class Trace {
  @Field(() => String)
  traceId!: string;

  @Field(() => [Span])
  spans!: Span[];

  @Field(() => [TraceLog])
  logs!: TraceLog[];
}
