/**
 * The board's plain tables: a scroll box, a row of column titles, one row per item, and an empty
 * note in place of the table when there are no items. It exists so a page states only its columns
 * and its row instead of repeating the wrapper, table and header markup that the CSS (.table-wrap,
 * .table, .table-stack) and the browser tests rely on. Rows stay the caller's own <tr>, since their
 * cells differ (data-label, row headers, per-row classes).
 */
import type { ComponentChildren, JSX } from 'preact';
import { Empty } from './bits';

/** A column's title, or its title and the class of its header cell (`num`, `col-progress`). */
export type Column = string | { label: string; class: string };

export interface DataTableProps<T> {
  /** The table's accessible name. */
  label: string;
  /** Stacks each row's cells under their data-label on narrow screens (.table-stack). */
  stack?: boolean;
  columns: readonly Column[];
  rows: readonly T[];
  /** One keyed <tr> per item. */
  row: (item: T) => JSX.Element;
  /** Said when there are no rows; nothing is shown while it is null (still loading). */
  empty?: ComponentChildren;
}

export function DataTable<T>({ label, stack, columns, rows, row, empty }: DataTableProps<T>) {
  if (rows.length === 0) return empty ? <Empty>{empty}</Empty> : null;
  return (
    <div class="table-wrap">
      <table class={stack ? 'table table-stack' : 'table'} aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === 'string' ? (
                <th key={c} scope="col">
                  {c}
                </th>
              ) : (
                <th key={c.label} scope="col" class={c.class}>
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{rows.map((item) => row(item))}</tbody>
      </table>
    </div>
  );
}
