// Where files come in: drop them anywhere on the window, or press the button
// (a real <button>, so Enter and Space work) to open the file chooser. Built
// on the NHS.UK file upload component's markup and wording.
import { useEffect, useRef, useState } from 'react';
import { plural } from '../lib/format.ts';
import { restrictionsText } from '../lib/restrictions.ts';

export interface DropZoneProps {
  readonly onFiles: (files: File[]) => void;
  /** Something was dropped that is not a file at all (a link, some text). */
  readonly onNotAFile: () => void;
  readonly onChoose: () => void;
  /** How many files are listed, for the status text inside the button. */
  readonly fileCount: number;
}

const ID = 'files';

export function DropZone({ onFiles, onNotAFile, onChoose, fileCount }: DropZoneProps) {
  const [dragging, setDragging] = useState(false);
  const [dragNote, setDragNote] = useState('');
  const depth = useRef(0);
  const handlers = useRef({ onFiles, onNotAFile });
  handlers.current = { onFiles, onNotAFile };

  useEffect(() => {
    // The whole window is the drop target, so a file dropped a little off the
    // zone still arrives, and a browser never navigates away to show it.
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const enter = (event: DragEvent) => {
      event.preventDefault();
      depth.current += 1;
      if (depth.current === 1) {
        setDragging(true);
        setDragNote(carriesFiles(event) ? 'Entered drop zone' : '');
      }
    };
    const leave = () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) {
        setDragging(false);
        setDragNote('Left drop zone');
      }
    };
    const over = (event: DragEvent) => {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const drop = (event: DragEvent) => {
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      setDragNote('');
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length > 0) handlers.current.onFiles(files);
      else if ((event.dataTransfer?.items.length ?? 0) > 0) handlers.current.onNotAFile();
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  // Always the "empty" look: files are listed below, and the zone stays the place to add more.
  const buttonClass = `nhsuk-file-upload__drop-button nhsuk-file-upload__drop-button--empty${
    dragging ? ' nhsuk-file-upload__drop-button--dragging' : ''
  }`;

  return (
    <div className="nhsuk-form-group ers-drop">
      <h2 className="nhsuk-label-wrapper">
        <label className="nhsuk-label nhsuk-label--m" id={`${ID}-label`} htmlFor={ID}>
          Add files
        </label>
      </h2>
      <div className="nhsuk-hint" id={`${ID}-hint`}>
        {restrictionsText()} You can add several files at once.
      </div>
      <div className="nhsuk-file-upload__drop-zone ers-drop__zone">
        <button
          type="button"
          id={ID}
          className={buttonClass}
          aria-labelledby={`${ID}-label ${ID}-comma ${ID}`}
          aria-describedby={`${ID}-hint`}
          onClick={onChoose}
        >
          <span className="nhsuk-body nhsuk-file-upload__status">
            {fileCount === 0 ? 'No files added yet' : `${plural(fileCount, 'file', 'files')} added`}
          </span>
          <span className="nhsuk-u-visually-hidden" id={`${ID}-comma`}>
            ,{' '}
          </span>
          <span className="nhsuk-file-upload__drop-button-group">
            <span className="nhsuk-button nhsuk-button--secondary nhsuk-file-upload__choose-files-button">Choose files</span>{' '}
            <span className="nhsuk-body nhsuk-file-upload__drop-instruction">or drop files here</span>
          </span>
        </button>
      </div>
      <span className="nhsuk-u-visually-hidden" aria-live="assertive">
        {dragNote}
      </span>
    </div>
  );
}
