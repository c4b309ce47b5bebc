// The list of files, in the order they were added.
import type { RowView } from '../store/row-view.ts';
import { FileRow, type RowActions } from './FileRow.tsx';

export function FileList({ rows, actions }: { rows: readonly RowView[]; actions: RowActions }) {
  if (rows.length === 0) return null;
  return (
    <section className="ers-files" aria-labelledby="files-heading">
      <h2 className="nhsuk-heading-m" id="files-heading">
        Your files
      </h2>
      <ul className="ers-files__list">
        {rows.map((row) => (
          <FileRow key={row.key} row={row} actions={actions} />
        ))}
      </ul>
    </section>
  );
}
