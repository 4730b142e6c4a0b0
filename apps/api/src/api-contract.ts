/**
 * What the API serves, checked against what its clients read (libs/api-types) when tsc runs: each
 * server shape, as JSON.stringify turns it into JSON (a Date becomes an ISO string), must be
 * assignable to the client's shape. Renaming, dropping or retyping a field the CLI or the board reads
 * fails the build here instead of in a user's terminal. Types only: nothing here runs. (Responses
 * with no Date or free-form JSON in them — POST /sweeps, Try it — are typed with the client's shape.)
 */
import type * as Client from '@tinysweep/api-types';
import type * as Db from '@tinysweep/db';
import type { AdapterExportFormat } from '@tinysweep/engine';
import type { NodeView } from './nodes/nodes.controller.js';
import type { InsightsService, OverviewSweep } from './board/insights.service.js';
import type { ConfigSummary } from './replicates/config-summary.js';
import type { ScheduleView } from './schedules/schedules.service.js';

/** T as it arrives after JSON.stringify and JSON.parse (`unknown` fields arrive as some JSON). */
type AsJson<T> = unknown extends T
  ? Client.Json
  : T extends Date
    ? string
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: AsJson<T[K]> } // arrays and tuples keep their shape
      : T extends object
        ? { [K in keyof T]: AsJson<T[K]> }
        : T;

/** What an InsightsService method (a board endpoint) resolves with. */
type Board<M extends 'facets' | 'grid' | 'series' | 'configs' | 'pareto' | 'curves'> = Awaited<ReturnType<InsightsService[M]>>;

/** Compiles only when the server's `Served` reads as the client's `Read`. */
type Serves<Served extends Read, Read> = [Served, Read];

export type ApiContract = [
  Serves<AsJson<Db.Sweep>, Client.Sweep>,
  Serves<AsJson<Db.SweepWithSpec>, Client.SweepDetail>,
  Serves<AsJson<OverviewSweep>, Client.OverviewSweep>,
  Serves<AsJson<Db.Trial>, Client.Trial>,
  Serves<AsJson<Db.TrialDetail>, Client.TrialDetail>,
  Serves<AsJson<Db.TrialPage>, Client.TrialPage>,
  Serves<AsJson<NodeView>, Client.TrainerNode>,
  Serves<AsJson<ScheduleView>, Client.Schedule>,
  Serves<AsJson<ConfigSummary>, Client.ConfigSummary>,
  Serves<AsJson<Board<'facets'>>, Client.Facets>,
  Serves<AsJson<Board<'configs'>>, Client.ConfigPage>,
  Serves<AsJson<Board<'grid'>>, Client.Aggregate>,
  Serves<AsJson<Board<'series'>>, Client.Series>,
  Serves<AsJson<Board<'pareto'>>, Client.Pareto>,
  Serves<AsJson<Board<'curves'>>, Client.Curves>,
  // the adapter formats the API offers are the ones libs/engine writes
  Serves<AdapterExportFormat, Client.AdapterFormat>,
  Serves<Client.AdapterFormat, AdapterExportFormat>,
];
