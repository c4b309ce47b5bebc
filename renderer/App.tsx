// The one screen: sign in, add files, see each file's verdict and progress, upload.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DropZone } from './components/DropZone.tsx';
import { ErrorSummary } from './components/ErrorSummary.tsx';
import { FileList } from './components/FileList.tsx';
import { rowAnchor, type RowActions } from './components/FileRow.tsx';
import { Header } from './components/Header.tsx';
import { LiveRegion } from './components/LiveRegion.tsx';
import { SessionPanel } from './components/SessionPanel.tsx';
import { UbrnField } from './components/UbrnField.tsx';
import { UploadButton } from './components/UploadButton.tsx';
import { pageErrors, uploadBlockedBecause, type PageError } from './lib/page-errors.ts';
import { checkUbrn } from './lib/ubrn.ts';
import { useActions, useApp } from './store/context.tsx';
import { heldBackCount, readyCount, rowViews } from './store/row-view.ts';

const NOT_A_FILE = {
  name: 'The item you dropped',
  message: 'The item you dropped is not a file. Save it to your computer first, then add it',
};

export function App() {
  const session = useApp((state) => state.session);
  const queue = useApp((state) => state.queue);
  const announcement = useApp((state) => state.announcement);
  const notice = useApp((state) => state.notice);
  const uploading = useApp((state) => state.uploading);
  const actions = useActions();
  const [ubrnText, setUbrnText] = useState('');
  const [ubrnLeft, setUbrnLeft] = useState(false);
  // The sign-in form's problem; seq changes with each failed attempt so the summary takes focus each time.
  const [formError, setFormError] = useState<{ readonly error: PageError; readonly seq: number } | null>(null);
  const reportFormError = useCallback(
    (error: PageError | null) => setFormError((was) => (error === null ? null : { error, seq: (was?.seq ?? 0) + 1 })),
    [],
  );

  useEffect(() => {
    let stop: (() => void) | null = null;
    let gone = false;
    void actions.start().then((unsubscribe) => {
      if (gone) unsubscribe();
      else stop = unsubscribe;
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, [actions]);

  const rows = useMemo(() => rowViews(queue), [queue]);
  const ready = readyCount(queue);
  const held = heldBackCount(queue);
  const ubrn = checkUbrn(ubrnText);
  // The row actions are made once; "Upload anyway" reads the UBRN as it is when pressed.
  const ubrnNow = useRef(ubrn);
  ubrnNow.current = ubrn;
  // Judge the UBRN once the person has left the field or typed a whole one.
  const ubrnError = !ubrn.ok && (ubrnLeft || ubrnText.replace(/[\s-]/g, '').length >= 12) ? ubrn.message : null;
  const blocked = uploadBlockedBecause(session, ready, ubrnError ? ubrn : { ok: true, ubrn: null }, held);
  // In page order: the sign-in form is above the files.
  const errors = [...(formError ? [formError.error] : []), ...pageErrors(rows, rowAnchor, ubrnError)];

  const rowActions: RowActions = useMemo(
    () => ({
      remove: (row) => {
        if (row.id) void actions.remove(row.id).then(() => actions.announce(`${row.name} removed`));
      },
      cancel: (row) => {
        if (row.id) void actions.cancel(row.id).then(() => actions.announce(`Upload of ${row.name} cancelled`));
      },
      retry: (row) => {
        if (row.id) void actions.retry(row.id).then(() => actions.announce(`Trying ${row.name} again`));
      },
      dismiss: (row) => {
        actions.dismiss(row.key);
        actions.announce(`${row.name} removed`);
      },
      copied: (row) => actions.announce(`e-RS file id for ${row.name} copied`),
      uploadAnyway: (row) => {
        const check = ubrnNow.current;
        if (!check.ok) {
          setUbrnLeft(true);
          return;
        }
        if (row.id) void actions.uploadAnyway(row.id, check.ubrn).then(() => actions.announce(`Uploading ${row.name}`));
      },
    }),
    [actions],
  );

  const upload = () => {
    if (!ubrn.ok) {
      setUbrnLeft(true);
      return;
    }
    actions.announce(`Uploading ${ready} ${ready === 1 ? 'file' : 'files'}`);
    void actions.upload(ubrn.ubrn);
  };

  return (
    <>
      <a className="nhsuk-skip-link" href="#maincontent">
        Skip to main content
      </a>
      <Header session={session} onSignOut={() => void actions.signOut()} />
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper" id="maincontent">
          <div className="nhsuk-grid-row">
            <div className="nhsuk-grid-column-full">
              <ErrorSummary errors={errors} focusRequest={formError?.seq ?? 0} />
              {session?.environment.isSandbox && (
                <p className="ers-environment">
                  <strong className="nhsuk-tag nhsuk-tag--purple">Sandbox</strong>{' '}
                  <span className="nhsuk-body-s">
                    Files go to a test e-RS on this computer ({session.environment.name}), not to real referrals
                  </span>
                </p>
              )}
              <h1 className="nhsuk-heading-l">Attach files to a referral</h1>
              <p className="nhsuk-body-l">
                Add the referral letter and any other documents. Each file is checked against the e-RS rules before it is
                sent.
              </p>
              {notice && (
                <div className="nhsuk-card nhsuk-card--warning" role="status">
                  <div className="nhsuk-card__content">
                    <p className="nhsuk-body">{notice}</p>
                  </div>
                </div>
              )}
              {session && (
                <SessionPanel session={session} signIn={actions.signIn} chooseRole={actions.chooseRole} onFormError={reportFormError} />
              )}
              <DropZone
                onFiles={(files) => void actions.addFiles(files)}
                onNotAFile={() => actions.refuseLocally(NOT_A_FILE.name, NOT_A_FILE.message)}
                onChoose={() => void actions.chooseFiles()}
                fileCount={rows.length}
              />
              <FileList rows={rows} actions={rowActions} />
              <UbrnField
                value={ubrnText}
                check={ubrn}
                showError={ubrnError !== null}
                onChange={setUbrnText}
                onBlur={() => setUbrnLeft(true)}
              />
              <UploadButton ready={ready} blockedBecause={blocked} busy={uploading} onUpload={upload} />
            </div>
          </div>
        </main>
      </div>
      <LiveRegion text={announcement.text} seq={announcement.seq} />
    </>
  );
}
