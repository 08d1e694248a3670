import { Field, ID, InputType } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { Service } from './service.entity.js';

export const ServiceConnection = connectionType('Service', Service);

@InputType()
export class CreateServiceInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  repository?: string | null;

  @Field(() => String, { nullable: true })
  ownerTeam?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Services this one depends on.' })
  dependsOn?: string[] | null;
}

@InputType({ description: 'Only the fields given change; `dependsOn`, when given, replaces the list.' })
export class UpdateServiceInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  repository?: string | null;

  @Field(() => String, { nullable: true })
  ownerTeam?: string | null;

  @Field(() => [ID], { nullable: true })
  dependsOn?: string[] | null;
}

@InputType()
export class ServiceFilter {
  @Field(() => String, { nullable: true, description: 'Case-insensitive part of the name.' })
  nameContains?: string | null;

  @Field(() => ID, { nullable: true, description: 'Services deployed to this environment.' })
  environmentId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Services that depend on this one.' })
  dependsOn?: string | null;
}
