import { AdapterExportService } from '../trials/adapter-export.service.js';
import { Module } from '@nestjs/common';
import { AggregateRepository, BoardSnapshotRepository, Database } from '@tinysweep/db';
import { BoardFiles } from './board-files.js';
import { BoardSnapshots } from './board-snapshots.js';
import { BoardStaticController } from './board-static.controller.js';
import { InsightsController } from './insights.controller.js';
import { InsightsService } from './insights.service.js';
import { SweepImportanceService } from './sweep-importance.js';

/**
 * The results board: its static files at `/` (apps/board's build) and the aggregate endpoints it
 * draws from. Import it last in AppModule: its routes are disjoint from the API's anyway.
 */
@Module({
  controllers: [InsightsController, BoardStaticController],
  providers: [
    AdapterExportService,
    BoardFiles,
    BoardSnapshots,
    InsightsService,
    SweepImportanceService,
    { provide: AggregateRepository, inject: [Database], useFactory: (db: Database) => new AggregateRepository(db) },
    { provide: BoardSnapshotRepository, inject: [Database], useFactory: (db: Database) => new BoardSnapshotRepository(db) },
  ],
})
export class BoardModule {}
