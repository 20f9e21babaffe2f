import { Module } from '@nestjs/common';

/** webhook-ingest: verifies provider webhooks and forwards them to oc.events.raw.v1; owns nothing durable. */
@Module({})
export class IngestModule {}
