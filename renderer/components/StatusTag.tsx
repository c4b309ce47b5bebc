// The NHS.UK tag that says where a file has got to.
import type { RowStatus } from '../store/row-view.ts';

const TAGS: Readonly<Record<RowStatus, { readonly text: string; readonly colour: string }>> = {
  checking: { text: 'Checking', colour: 'grey' },
  ready: { text: 'Ready to upload', colour: 'blue' },
  held: { text: 'Not sent', colour: 'orange' },
  queued: { text: 'Waiting', colour: 'white' },
  uploading: { text: 'Uploading', colour: 'yellow' },
  uploaded: { text: 'Uploaded', colour: 'green' },
  failed: { text: 'Not uploaded', colour: 'red' },
  rejected: { text: 'Cannot upload', colour: 'red' },
  refused: { text: 'Not added', colour: 'red' },
  cancelled: { text: 'Cancelled', colour: 'grey' },
  changed: { text: 'Changed since added', colour: 'orange' },
};

export function statusText(status: RowStatus): string {
  return TAGS[status].text;
}

export function StatusTag({ status }: { status: RowStatus }) {
  const tag = TAGS[status];
  return <strong className={`nhsuk-tag nhsuk-tag--${tag.colour}`}>{tag.text}</strong>;
}
