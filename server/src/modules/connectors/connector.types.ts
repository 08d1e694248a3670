import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum ConnectorStatus {
  /** Configured, nothing received or read yet. */
  WAITING = 'WAITING',
  OK = 'OK',
  /** The last delivery or poll failed (see lastError); polls are retried. */
  FAILING = 'FAILING',
  /** Failed too often in a row: polls pause until the circuit's trial poll. */
  CIRCUIT_OPEN = 'CIRCUIT_OPEN',
}
registerEnumType(ConnectorStatus, { name: 'ConnectorStatus' });

@ObjectType({ description: 'A configured connector and how it is doing (shared by every hub instance).' })
export class ConnectorHealth {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => ConnectorStatus)
  status!: ConnectorStatus;

  @Field(() => Date, { nullable: true })
  lastSuccessAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Seconds between now and the newest source record read (polled connectors).' })
  lag!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last delivery was refused or the last poll failed (never a secret).' })
  lastError!: string | null;

  @Field(() => Int, { description: 'Payloads waiting in the dead-letter table (not yet replayed).' })
  deadLetters!: number;

  @Field(() => Date, { nullable: true, description: 'While the circuit is open: when the next trial poll runs.' })
  circuitOpenUntil!: Date | null;
}

@ObjectType({ description: 'A payload a connector could not convert or write, kept for replay.' })
export class DeadLetterEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  connectorId!: string;

  @Field(() => String, { description: 'The stream, or webhook:<event>.' })
  source!: string;

  @Field(() => String)
  error!: string;

  @Field(() => GraphQLJSON)
  payload!: unknown;

  @Field(() => Date)
  failedAt!: Date;

  @Field(() => Int)
  replayAttempts!: number;

  @Field(() => Date, { nullable: true })
  replayedAt!: Date | null;
}

@ObjectType({ description: 'What one poll of a connector did.' })
export class ConnectorPollResult {
  @Field(() => String)
  connectorId!: string;

  @Field(() => Boolean, { description: 'False when skipped: the circuit is open or another hub instance is polling it.' })
  ran!: boolean;

  @Field(() => Int, { description: 'Pages read and written.' })
  pages!: number;

  @Field(() => Int, { description: 'Rows sent to the dead-letter table.' })
  rejected!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

@ObjectType({ description: "A connector's answer to: can you reach your source with your credentials?" })
export class ConnectorCheck {
  @Field(() => String)
  id!: string;

  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => String, { nullable: true, description: 'What is wrong, in words (never a secret).' })
  problem!: string | null;
}
