import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Field, ObjectType } from 'type-graphql';
import { GraphRow } from '../common/graph-row.js';
import { Node } from '../../graphql/node.js';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A deployable service (from config, the CMDB, or the API).' })
@Entity({ name: 'service' })
@Unique('service_name_key', ['name'])
@Index('service_created_idx', ['createdAt', 'id'])
export class Service extends GraphRow {
  @Field(() => String)
  @Column({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'Source repository (clone URL or path).' })
  @Column({ type: 'text', nullable: true })
  repository!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  ownerTeam!: string | null;
}

/** Edge of the service dependency graph: `serviceId` depends on `dependsOnId`. */
@Entity({ name: 'service_dependency' })
@Check('service_dependency_not_self', '"service_id" <> "depends_on_id"')
export class ServiceDependency {
  @PrimaryColumn({ type: 'text' })
  serviceId!: string;

  @PrimaryColumn({ type: 'text' })
  @Index('service_dependency_depends_on_idx')
  dependsOnId!: string;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'service_dependency_service_fk' })
  serviceRow?: Service;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'depends_on_id', foreignKeyConstraintName: 'service_dependency_depends_on_fk' })
  dependsOnRow?: Service;
}
