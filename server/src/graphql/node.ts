import { Field, ID, InterfaceType, ObjectType } from 'type-graphql';

/** Relay's object identification: every row of the release graph has a global id. */
@InterfaceType({ description: 'An object of the release graph with a global id (Relay).' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: 'Where a row of the release graph came from.' })
export class Origin {
  @Field(() => String, { description: 'Connector id, or "api" for rows written through the API.' })
  connector!: string;

  @Field(() => String, { nullable: true, description: "The source's entity (e.g. change_request, push)." })
  entity!: string | null;

  @Field(() => String, { nullable: true, description: "The row's id in the source." })
  sourceId!: string | null;
}
