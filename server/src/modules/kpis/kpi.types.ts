import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One step of a KPI series.' })
export class KpiPoint {
  @Field(() => Date, { description: 'The start of the step.' })
  at!: Date;

  @Field(() => Float, { nullable: true })
  value!: number | null;

  @Field(() => Int)
  samples!: number;
}
