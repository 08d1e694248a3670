import { Column, CreateDateColumn, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { Origin } from '../../graphql/node.js';

/** Columns every row of the release graph has: a global id, its origin, and when it was written. */
@ObjectType({ simpleResolvers: true, description: 'Columns shared by every row of the release graph (never emitted on its own).' })
export abstract class GraphRow {
  @Field(() => ID)
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', default: 'api' })
  originConnector!: string;

  @Column({ type: 'text', nullable: true })
  originEntity!: string | null;

  @Column({ type: 'text', nullable: true })
  originId!: string | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @Field(() => Origin)
  origin(): Origin {
    return { connector: this.originConnector, entity: this.originEntity, sourceId: this.originId };
  }
}
