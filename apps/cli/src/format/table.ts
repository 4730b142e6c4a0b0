/** Plain (colourless) cli-table3 rendering, so output is the same on a terminal, in a pipe and in tests. */
import Table from 'cli-table3';

export type Align = 'left' | 'right' | 'center';

export interface TableData {
  head: string[];
  rows: string[][];
  /** One per column; default left. */
  align?: Align[];
}

export function renderTable(data: TableData): string {
  const table = new Table({
    head: data.head,
    colAligns: data.align ?? data.head.map(() => 'left'),
    style: { head: [], border: [] },
    // No rule between body rows: one line per row.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of data.rows) table.push(row);
  const lines = table.toString().split('\n');
  // cli-table3 draws the rule under the head with the same characters as the rules between rows, which
  // are turned off above; put the head rule back, shaped from the top border.
  if (data.head.length > 0 && lines.length > 2) {
    lines.splice(2, 0, lines[0]!.replace('┌', '├').replaceAll('┬', '┼').replace('┐', '┤'));
  }
  return lines.join('\n');
}
