import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum ConnectorStatus {
  /** Configured, nothing received yet. */
  WAITING = 'WAITING',
  OK = 'OK',
  /** The last delivery or poll failed (see lastError). */
  FAILING = 'FAILING',
}
registerEnumType(ConnectorStatus, { name: 'ConnectorStatus' });

@ObjectType({ description: 'A configured connector and how it is doing (since this hub started).' })
export class ConnectorHealth {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => ConnectorStatus)
  status!: ConnectorStatus;

  @Field(() => Date, { nullable: true })
  lastSuccessAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the last delivery was refused or failed (never a secret).' })
  lastError!: string | null;
}
