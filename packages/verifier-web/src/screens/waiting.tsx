import { isSanadError } from '@sanad/core';
import { qrSvg, qrVersion, scanQr } from '@sanad/web-qr';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type OperatorApi, type Preset, type Session, type SessionView } from '../api.js';
import { useFocusOnMount } from '../focus.js';
import { localised, t } from '../i18n.js';

const POLL_INTERVAL_MS = 1000;

/**
 * Whether this browser can ask a wallet on the same device through the W3C Digital Credentials
 * API (Chrome 141+, Safari 26): feature detection, as the API's explainer asks.
 */
const hasDigitalCredentials = (): boolean =>
  typeof window !== 'undefined' &&
  'DigitalCredential' in window &&
  typeof navigator.credentials?.get === 'function';

/** Asks a wallet on this device; the answer's `data`, or undefined when none answered. */
async function askThisDevice(request: string): Promise<unknown> {
  const credential = (await navigator.credentials.get({
    digital: { requests: [JSON.parse(request)] },
    mediation: 'required',
  } as CredentialRequestOptions)) as (Credential & { data?: unknown }) | null;
  return credential?.data;
}
/** Above this version a code is shown larger, so a phone camera still resolves its modules. */
const DENSE_QR_VERSION = 20;

interface WaitingProps {
  api: OperatorApi;
  preset: Preset;
  session: Session;
  offline: boolean;
  onResult: (view: SessionView) => void;
  onNoNetwork: () => void;
  onRestart: () => void;
  onCancel: () => void;
  onError: (err: unknown) => void;
}

/** The request's QR code while the holder answers; offline, also the way to read their answer. */
export function Waiting({
  api,
  preset,
  session,
  offline,
  onResult,
  onNoNetwork,
  onRestart,
  onCancel,
  onError,
}: WaitingProps) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const request = session.authorization_request;
  const waitingText = t(offline ? 'waiting.offlineStatus' : 'waiting.status');
  const [image, setImage] = useState<string>();
  const [status, setStatus] = useState(waitingText);
  const [expired, setExpired] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [cameraProblem, setCameraProblem] = useState(false);
  const [code, setCode] = useState('');
  const [asking, setAsking] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const paste = useRef<HTMLTextAreaElement>(null);
  const scan = useRef<AbortController>(undefined);

  useEffect(() => {
    let live = true;
    void qrSvg(request).then(
      (svg) => live && setImage(`data:image/svg+xml,${encodeURIComponent(svg)}`),
      onError,
    );
    return () => {
      live = false;
    };
  }, [request]);

  // The answer arrives at the service (online) or is posted below (offline); either way the session says.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const view = await api.session(session.session_id);
        if (stopped) return;
        if (view.outcome !== 'pending') return onResult(view);
        setStatus(statusOf(view));
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError && err.error === 'ERR_SESSION_NOT_FOUND')
          return setExpired(true);
        if (!(err instanceof ApiError) || err.status !== 0) return onError(err);
        // A network blip: say so and keep trying.
        setStatus(t('error.network'));
      }
      if (Date.now() / 1000 > session.expires_at) return setExpired(true);
      timer = setTimeout(() => void poll(), POLL_INTERVAL_MS);
    };
    timer = setTimeout(() => void poll(), POLL_INTERVAL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
      scan.current?.abort();
    };
  }, [session]);

  /** What the line under the QR code says while the session waits: the last undecided, declined or refused answer. */
  const statusOf = (view: SessionView): string => {
    if (view.statusUnavailable) return t('waiting.statusUnavailable');
    if (view.declined && view.declined.at >= (view.lastRefusal?.at ?? 0))
      return t('waiting.declined');
    if (view.lastRefusal)
      return t('waiting.refused', {
        outcome: t(`outcome.${view.lastRefusal.outcome}`),
        count: `${view.refusedAnswers ?? 1}`,
      });
    return waitingText;
  };

  const check = async (text: string): Promise<void> => {
    setStatus(t('offline.checking'));
    try {
      onResult(await api.answerOffline(session.session_id, text));
    } catch (err) {
      // Nothing was decided or used up: the same code can be checked again once status can be had.
      if (err instanceof ApiError && err.error === 'ERR_STATUS_UNAVAILABLE')
        return setStatus(t('offline.statusUnavailable'));
      // A code that did not verify is refused and the session still waits: say why, from the session.
      if (err instanceof ApiError && err.status === 400) {
        const view = await api.session(session.session_id).catch(() => undefined);
        if (view?.outcome !== 'pending' && view) return onResult(view);
        if (view?.lastRefusal) return setStatus(statusOf(view));
      }
      setStatus(waitingText);
      onError(err);
    }
  };

  const startScan = async (): Promise<void> => {
    const controller = new AbortController();
    scan.current = controller;
    setCameraProblem(false);
    setScanning(true);
    try {
      // A long answer comes as a sequence of codes on the holder's screen: say how far the camera got.
      const text = await scanQr(video.current!, {
        signal: controller.signal,
        onPart: ({ read, total }) =>
          setStatus(t('offline.partsRead', { read: String(read), total: String(total) })),
      });
      setScanning(false);
      await check(text);
    } catch (err) {
      setScanning(false);
      if (controller.signal.aborted) return;
      if (isSanadError(err) && err.code === 'ERR_CAMERA_UNAVAILABLE') {
        setCameraProblem(true);
        paste.current?.focus();
      } else {
        onError(err);
      }
    }
  };

  /** The same request, for a wallet on this device: a session of its own, answered to this page. */
  const askDevice = async (): Promise<void> => {
    setAsking(true);
    try {
      const dcApi = await api.createDcApiSession(preset.id);
      const data = await askThisDevice(dcApi.authorization_request).catch(() => undefined);
      if (data === undefined) {
        api.forget(dcApi.session_id).catch(() => undefined);
        setStatus(t('waiting.deviceNone'));
        return;
      }
      const view = await api.answerDcApi(dcApi.session_id, data);
      if (view.outcome === 'pending') return setStatus(statusOf(view));
      // Answered on this device: the QR code's request is not needed any more.
      api.forget(session.session_id).catch(() => undefined);
      onResult(view);
    } catch (err) {
      onError(err);
    } finally {
      setAsking(false);
    }
  };

  const submitCode = (event: Event): void => {
    event.preventDefault();
    // Keyboard-like USB scanners may add a line break; codes never contain one.
    const text = code.trim();
    if (!text) {
      paste.current?.focus();
      return;
    }
    void check(text);
  };

  if (expired) {
    return (
      <section class="stack">
        <h2 ref={heading} tabIndex={-1}>
          {localised(preset.name)}
        </h2>
        <p class="notice" role="status">
          {t('waiting.expired')}
        </p>
        <button type="button" class="primary" onClick={onRestart}>
          {t('waiting.again')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('waiting.cancel')}
        </button>
      </section>
    );
  }

  return (
    <section class="stack">
      <h2 ref={heading} tabIndex={-1}>
        {t(offline ? 'waiting.offlineHeading' : 'waiting.heading')}
      </h2>
      <p class="subtitle">{localised(preset.name)}</p>
      <div
        class={`qr${qrVersion(request) > DENSE_QR_VERSION ? ' qr-dense' : ''}`}
        data-testid="desk-qr"
        data-request={request}
      >
        {image && <img src={image} alt={t('waiting.qrAlt', { name: localised(preset.name) })} />}
      </div>
      <p class="status" role="status" aria-live="polite">
        {status}
      </p>
      {!offline && (
        <>
          <p class="hint">{t('waiting.link')}</p>
          <p class="link" dir="ltr">
            {request}
          </p>
          {hasDigitalCredentials() && (
            <button
              type="button"
              data-testid="desk-device"
              disabled={asking}
              onClick={() => void askDevice()}
            >
              {t('waiting.device')}
            </button>
          )}
          <button type="button" data-testid="desk-offline" onClick={onNoNetwork}>
            {t('offline.noNetwork')}
          </button>
        </>
      )}
      {offline && (
        <>
          {scanning ? (
            <button type="button" onClick={() => scan.current?.abort()}>
              {t('offline.stopScan')}
            </button>
          ) : (
            <button
              type="button"
              class="primary"
              data-testid="desk-scan"
              onClick={() => void startScan()}
            >
              {t('offline.scan')}
            </button>
          )}
          {/* biome-ignore lint/a11y/useMediaCaption: a live camera preview for the QR scanner has no audio to caption */}
          <video ref={video} class="camera" hidden={!scanning} aria-label={t('offline.scanning')} />
          {cameraProblem && (
            <p class="notice notice-error" role="alert">
              {t('offline.cameraUnavailable')}
            </p>
          )}
          <form class="stack" onSubmit={submitCode}>
            <label for="desk-paste">{t('offline.paste')}</label>
            <textarea
              id="desk-paste"
              ref={paste}
              data-testid="desk-paste"
              rows={4}
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
            <button type="submit" data-testid="desk-paste-submit">
              {t('offline.pasteSubmit')}
            </button>
          </form>
        </>
      )}
      <button type="button" class="quiet" onClick={onCancel}>
        {t('waiting.cancel')}
      </button>
    </section>
  );
}
