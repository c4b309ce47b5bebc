// Signing in to e-RS, choosing the role to work in, and what to do when the
// smartcard is removed or e-RS ends the session. The file list stays on the
// page throughout: nothing is lost, it just is not sent.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import type { OperationRequest, RoleView, SessionView, SignInFailure } from '../../shared/ipc/contract.ts';
import { formatBusinessFunction } from '../lib/format.ts';
import type { PageError } from '../lib/page-errors.ts';

export interface SessionPanelProps {
  readonly session: SessionView;
  readonly signIn: (request: OperationRequest<'session:sign-in'>) => Promise<SignInFailure | null>;
  readonly chooseRole: (request: OperationRequest<'session:choose-role'>) => Promise<void>;
  /** The sign-in form's problem for the page's error summary (null when it has none), as NHS.UK forms do. */
  readonly onFormError: (error: PageError | null) => void;
}

export function SessionPanel({ session, signIn, chooseRole, onFormError }: SessionPanelProps) {
  switch (session.status) {
    case 'active':
      return null;
    case 'choose-role':
      return <RoleChoice session={session} chooseRole={chooseRole} onFormError={onFormError} />;
    case 'locked':
      return (
        <SignIn
          session={session}
          signIn={signIn}
          onFormError={onFormError}
          heading="Your smartcard was removed"
          lead="Your files are still here, but nothing will be sent until you sign in again."
        />
      );
    case 'expired':
      return (
        <SignIn
          session={session}
          signIn={signIn}
          onFormError={onFormError}
          heading="Session ended: sign in again"
          lead="e-RS ended your session. Your files are still here: sign in again and they will carry on."
        />
      );
    case 'signed-out':
      return (
        <SignIn
          session={session}
          signIn={signIn}
          onFormError={onFormError}
          heading="Sign in to e-RS"
          lead="You need to sign in before files can be uploaded. You can add and check files now."
        />
      );
  }
}

function SignIn({
  session,
  signIn,
  onFormError,
  heading,
  lead,
}: Pick<SessionPanelProps, 'session' | 'signIn' | 'onFormError'> & { heading: string; lead: string }) {
  const id = useId();
  const [pin, setPin] = useState('');
  const [token, setToken] = useState('');
  const [failure, setShownFailure] = useState<{ field: 'pin' | 'token'; message: string } | null>(null);
  // Shown beside the field and, each time it is set, at the top of the page in the error summary.
  const setFailure = (next: { field: 'pin' | 'token'; message: string } | null) => {
    setShownFailure(next);
    onFormError(next === null ? null : { href: `#${id}-${next.field}`, text: next.message });
  };
  // A form that goes (signed in, or the session moved on) takes its problem with it.
  useEffect(() => () => onFormError(null), [onFormError]);
  const [busy, setBusy] = useState(false);
  const smartcard = session.signInMethods.includes('smartcard');
  const sso = session.signInMethods.includes('sso-token');

  const submit = async (event: FormEvent, request: OperationRequest<'session:sign-in'>, field: 'pin' | 'token') => {
    event.preventDefault();
    setBusy(true);
    const answer = await signIn(request);
    setBusy(false);
    // The PIN never stays in the page longer than the attempt.
    setPin('');
    if (answer === null) {
      setFailure(null);
      setToken('');
      return;
    }
    // Main's message already says what the card reports about tries left.
    setFailure({ field, message: answer.message });
  };

  const pinCheck = (value: string) =>
    /^\d{4,16}$/.test(value) ? null : 'Enter your smartcard PIN, which is 4 to 16 numbers';

  return (
    <section className="nhsuk-card ers-session" aria-labelledby={`${id}-heading`}>
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading nhsuk-heading-m" id={`${id}-heading`}>
          {heading}
        </h2>
        <p className="nhsuk-body">{session.message ?? lead}</p>
        {smartcard && (
          <form
            noValidate
            onSubmit={(event) => {
              const problem = pinCheck(pin);
              if (problem) {
                event.preventDefault();
                setFailure({ field: 'pin', message: problem });
                return;
              }
              void submit(event, { method: 'smartcard', pin }, 'pin');
            }}
          >
            <Field id={`${id}-pin`} label="Smartcard PIN" error={failure?.field === 'pin' ? failure.message : null}>
              {(describedBy, invalid) => (
                <input
                  className={`nhsuk-input nhsuk-input--width-10${invalid ? ' nhsuk-input--error' : ''}`}
                  id={`${id}-pin`}
                  type="password"
                  inputMode="numeric"
                  autoComplete="off"
                  aria-describedby={describedBy}
                  value={pin}
                  onChange={(event) => setPin(event.target.value)}
                />
              )}
            </Field>
            <button type="submit" className="nhsuk-button" disabled={busy}>
              Sign in with smartcard
            </button>
          </form>
        )}
        {sso && (
          <details className="nhsuk-details" open={!smartcard}>
            <summary className="nhsuk-details__summary">
              <span className="nhsuk-details__summary-text">Sign in with a token instead</span>
            </summary>
            <div className="nhsuk-details__text">
              <form
                noValidate
                onSubmit={(event) => {
                  if (token.trim() === '') {
                    event.preventDefault();
                    setFailure({ field: 'token', message: 'Paste your sign-in token' });
                    return;
                  }
                  void submit(event, { method: 'sso-token', token: token.trim() }, 'token');
                }}
              >
                <Field
                  id={`${id}-token`}
                  label="Sign-in token"
                  hint="Paste the token your NHS identity service gave you."
                  error={failure?.field === 'token' ? failure.message : null}
                >
                  {(describedBy, invalid) => (
                    <textarea
                      className={`nhsuk-textarea${invalid ? ' nhsuk-textarea--error' : ''}`}
                      id={`${id}-token`}
                      rows={3}
                      autoComplete="off"
                      spellCheck={false}
                      aria-describedby={describedBy}
                      value={token}
                      onChange={(event) => setToken(event.target.value)}
                    />
                  )}
                </Field>
                <button type="submit" className="nhsuk-button nhsuk-button--secondary" disabled={busy}>
                  Sign in with token
                </button>
              </form>
            </div>
          </details>
        )}
      </div>
    </section>
  );
}

function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error: string | null;
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <span className="nhsuk-error-message" id={`${id}-error`}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      )}
      {children(describedBy, error !== null)}
    </div>
  );
}

function roleLabel(role: RoleView): string {
  return `${formatBusinessFunction(role.businessFunction)} at ${role.orgName} (${role.orgIdentifier})`;
}

/**
 * Only roles that may attach files are offered (not shown disabled: a disabled
 * option cannot be reached or read properly); the others are named below, so
 * nobody wonders where their role went.
 */
function RoleChoice({ session, chooseRole, onFormError }: Pick<SessionPanelProps, 'session' | 'chooseRole' | 'onFormError'>) {
  const id = useId();
  const usable = session.roles.filter((role) => role.canUpload);
  const others = session.roles.filter((role) => !role.canUpload);
  const [chosen, setChosen] = useState<RoleView | null>(usable.length === 1 ? (usable[0] ?? null) : null);
  const [error, setShownError] = useState<string | null>(null);
  // As with sign-in: beside the radios and, each time it is set, in the error summary, linking to the first radio.
  const setError = (next: string | null) => {
    setShownError(next);
    onFormError(next === null ? null : { href: `#${id}-role-0`, text: next });
  };
  useEffect(() => () => onFormError(null), [onFormError]);
  const othersText =
    others.length === 0
      ? null
      : `${usable.length === 0 ? 'None of your roles' : `Your other ${others.length === 1 ? 'role' : 'roles'}`} (${others
          .map(roleLabel)
          .join('; ')}) cannot attach files to referrals.`;
  return (
    <section className="nhsuk-card ers-session" aria-labelledby={`${id}-heading`}>
      <div className="nhsuk-card__content">
        {usable.length === 0 ? (
          <>
            <h2 className="nhsuk-card__heading nhsuk-heading-m" id={`${id}-heading`}>
              None of your roles can attach files
            </h2>
            <p className="nhsuk-body">{othersText}</p>
            <p className="nhsuk-body">Ask your Registration Authority for a referring or service provider role, then sign in again.</p>
          </>
        ) : (
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              if (!chosen) {
                setError('Select the role you are working in');
                return;
              }
              setError(null);
              void chooseRole({ businessFunction: chosen.businessFunction, orgIdentifier: chosen.orgIdentifier });
            }}
          >
            <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
              <fieldset className="nhsuk-fieldset" aria-describedby={error ? `${id}-error` : undefined}>
                <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
                  <h2 className="nhsuk-fieldset__heading" id={`${id}-heading`}>
                    Which role are you working in?
                  </h2>
                </legend>
                {session.message && <p className="nhsuk-body">{session.message}</p>}
                {error && (
                  <span className="nhsuk-error-message" id={`${id}-error`}>
                    <span className="nhsuk-u-visually-hidden">Error:</span> {error}
                  </span>
                )}
                <div className="nhsuk-radios">
                  {usable.map((role, i) => (
                    <div className="nhsuk-radios__item" key={`${role.businessFunction}-${role.orgIdentifier}`}>
                      <input
                        className="nhsuk-radios__input"
                        id={`${id}-role-${i}`}
                        name="role"
                        type="radio"
                        checked={chosen === role}
                        onChange={() => setChosen(role)}
                      />
                      <label className="nhsuk-label nhsuk-radios__label" htmlFor={`${id}-role-${i}`}>
                        {roleLabel(role)}
                      </label>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
            {othersText && <p className="nhsuk-body-s">{othersText}</p>}
            <button type="submit" className="nhsuk-button">
              Continue
            </button>
          </form>
        )}
      </div>
    </section>
  );
}
