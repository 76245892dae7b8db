/**
 * Restore from a backup file with the recovery secret, or with guardians' shares instead. A typo
 * in the secret or a share is said at once, with its group, before any key derivation runs.
 */
import { useState } from 'preact/hooks';
import {
  combineGuardianShares,
  MIN_PASSPHRASE_LENGTH,
  parseGuardianShare,
  parseRecoverySecret,
} from '@sanad/wallet/vault';
import { Busy } from '../../components/busy.js';
import { ErrorNotice } from '../../components/error-notice.js';
import { Scanner } from '../../components/scanner.js';
import { useAction } from '../../components/use-action.js';
import { t } from '../../i18n/i18n.js';
import { restore } from '../../session.js';

/** Why a typed secret cannot be right, in the holder's language, or undefined. */
function secretProblem(typed: string): string | undefined {
  const reading = parseRecoverySecret(typed);
  if (reading.form !== 'typo') return undefined;
  return reading.group === undefined
    ? t('error.ERR_RECOVERY_SECRET_TYPO')
    : t('restore.typo', { group: reading.group });
}

function sharesProblem(shares: readonly string[]): string | undefined {
  for (const [i, share] of shares.entries()) {
    const reading = parseGuardianShare(share);
    if (reading.form === 'typo' && reading.group !== undefined)
      return t('guardians.shareTypo', { index: i + 1, group: reading.group });
    if (reading.form !== 'share') return t('error.ERR_GUARDIAN_SHARE_INVALID');
  }
  return undefined;
}

function ShareInputs({
  shares,
  onChange,
}: {
  shares: string[];
  onChange: (shares: string[]) => void;
}) {
  const set = (i: number, value: string) => onChange(shares.map((s, j) => (j === i ? value : s)));
  const threshold = shares.map(parseGuardianShare).find((r) => r.form === 'share')?.threshold;
  const given = new Set(
    shares
      .filter((s) => parseGuardianShare(s).form === 'share')
      .map((s) => s.toUpperCase().replace(/[^A-Z0-9]/g, '')),
  ).size;
  return (
    <fieldset class="form">
      <legend>{t('guardians.restoreIntro')}</legend>
      {shares.map((share, i) => (
        <label key={i}>
          {t('guardians.shareLabel', { index: i + 1 })}
          <input
            type="text"
            dir="ltr"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            value={share}
            onInput={(e) => set(i, e.currentTarget.value)}
            data-testid="restore-share"
            data-index={i}
          />
        </label>
      ))}
      {threshold !== undefined && (
        <p class="hint" role="status" data-testid="restore-shares-needed">
          {t('guardians.needed', { count: given, threshold })}
        </p>
      )}
      <Scanner
        onResult={(text) =>
          onChange(
            shares[shares.length - 1] === '' ? [...shares.slice(0, -1), text] : [...shares, text],
          )
        }
      />
      <button
        type="button"
        class="button"
        onClick={() => onChange([...shares, ''])}
        data-testid="restore-add-share"
      >
        {t('guardians.addShare')}
      </button>
    </fieldset>
  );
}

export function Restore({
  onCancel,
  guardians = false,
}: {
  onCancel?: () => void;
  guardians?: boolean;
}) {
  const [withShares, setWithShares] = useState(guardians);
  const [file, setFile] = useState<File>();
  const [secret, setSecret] = useState('');
  const [shares, setShares] = useState(['', '']);
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<string>();
  const { busy, error, setError, run } = useAction();
  const typed = shares.filter((s) => s.trim() !== '');
  const submit = (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setError(undefined);
    const found = withShares ? sharesProblem(typed) : secretProblem(secret);
    setProblem(found);
    if (found) return;
    void run(t('restore.working'), async () =>
      restore(
        new Uint8Array(await file.arrayBuffer()),
        withShares ? await combineGuardianShares(typed) : secret,
        passphrase,
      ),
    );
  };
  return (
    <section>
      <h1 tabIndex={-1}>{withShares ? t('recovery.useGuardians') : t('restore.title')}</h1>
      <form class="form" onSubmit={submit}>
        <label>
          {t('restore.file')}
          <input
            type="file"
            required
            onChange={(e) => setFile(e.currentTarget.files?.[0])}
            data-testid="restore-file"
          />
        </label>
        {withShares ? (
          <ShareInputs shares={shares} onChange={setShares} />
        ) : (
          <label>
            {t('restore.secret')}
            <input
              type="text"
              dir="ltr"
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              required
              value={secret}
              onInput={(e) => setSecret(e.currentTarget.value)}
              data-testid="restore-secret"
            />
          </label>
        )}
        <label>
          {t('restore.newPassphrase')}
          <input
            type="password"
            autocomplete="new-password"
            required
            minLength={MIN_PASSPHRASE_LENGTH}
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
            data-testid="restore-passphrase"
          />
        </label>
        {problem && (
          <p class="notice notice--error" role="alert" data-testid="restore-typo">
            {problem}
          </p>
        )}
        <ErrorNotice error={error} />
        <button
          type="submit"
          class="button button--primary"
          disabled={busy !== undefined}
          data-testid="restore-submit"
        >
          {t('restore.submit')}
        </button>
        <Busy text={busy} />
      </form>
      <button
        type="button"
        class="button button--link"
        onClick={() => (setProblem(undefined), setWithShares(!withShares))}
        data-testid={withShares ? 'restore-use-secret' : 'restore-use-guardians'}
      >
        {withShares ? t('restore.useSecret') : t('restore.useGuardians')}
      </button>
      {onCancel && (
        <button type="button" class="button button--link" onClick={onCancel}>
          {t('common.back')}
        </button>
      )}
    </section>
  );
}
