/**
 * What a verifier may ask for. Each preset states its purpose and the claims that purpose
 * justifies; the data-minimisation lint flags any preset whose query asks for more.
 */
import { type LocalizedText, SanadError } from '@sanad/core';
import type { CredentialRequest } from '@sanad/verifier';

export interface VerifierPreset {
  /** Short id used by the operator API and the web page, e.g. `over-18`. */
  id: string;
  /** Shown to the receptionist choosing a request. */
  name: LocalizedText;
  /** Shown to the holder before consent. */
  purpose: LocalizedText;
  /** The claims (dotted paths, e.g. `age_over_18`, `address.locality`) this purpose justifies. */
  purposeClaims: string[];
  credentials: CredentialRequest[];
}

export interface LintFinding {
  code: 'WARN_REQUEST_OVER_ASKS';
  preset: string;
  /** The claims asked for beyond the declared purpose. */
  claims: string[];
  message: string;
}

const dotted = (path: Array<string | number | null>): string =>
  path.map((p) => (p === null ? '[]' : `${p}`)).join('.');

/**
 * Finds presets that ask for claims their purpose does not list.
 *
 * @example
 * ```ts
 * for (const f of lintPresets(presets)) console.warn(f.message)
 * ```
 */
export function lintPresets(presets: VerifierPreset[]): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const preset of presets) {
    const allowed = new Set(preset.purposeClaims);
    const extra = [...new Set(preset.credentials.flatMap((c) => c.claims.map(dotted)))].filter(
      (claim) => !allowed.has(claim),
    );
    if (extra.length > 0) {
      findings.push({
        code: 'WARN_REQUEST_OVER_ASKS',
        preset: preset.id,
        claims: extra,
        message: `Preset "${preset.id}" asks for ${extra.join(', ')}, which its purpose does not list.`,
      });
    }
  }
  return findings;
}

/** Checks presets at start-up: unique ids, a purpose, claims; over-asking refused unless allowed. */
export function checkPresets(
  presets: VerifierPreset[],
  options: { allowOverAsking?: boolean; log?: (m: string) => void } = {},
): LintFinding[] {
  const ids = new Set<string>();
  for (const p of presets) {
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(p.id) || ids.has(p.id))
      throw new SanadError(
        'ERR_CONFIG_INVALID',
        `Preset ids must be unique lower-case words (got "${p.id}").`,
      );
    ids.add(p.id);
    if (Object.keys(p.purpose).length === 0 || p.credentials.length === 0)
      throw new SanadError(
        'ERR_CONFIG_INVALID',
        `Preset "${p.id}" needs a purpose and a credential query.`,
      );
  }
  const findings = lintPresets(presets);
  for (const f of findings) options.log?.(`data minimisation: ${f.message}`);
  if (findings.length > 0 && !options.allowOverAsking) {
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      `${findings.map((f) => f.message).join(' ')} Narrow the query, list the claims in purposeClaims, or set allowOverAsking.`,
    );
  }
  return findings;
}

/** The presets most services start from. */
export function standardPresets(vct: string): VerifierPreset[] {
  return [
    {
      id: 'over-18',
      name: { en: 'Over 18', fr: 'Plus de 18 ans', ar: 'فوق 18 عامًا' },
      purpose: {
        en: 'Confirm that you are an adult',
        fr: 'Confirmer que vous êtes majeur',
        ar: 'التأكد من أنك بالغ',
      },
      purposeClaims: ['age_over_18'],
      credentials: [
        { id: 'refugee-status', format: 'dc+sd-jwt', types: [vct], claims: [['age_over_18']] },
      ],
    },
    {
      id: 'registered-refugee',
      name: {
        en: 'Registered refugee, valid',
        fr: 'Réfugié enregistré, valide',
        ar: 'لاجئ مسجل، صالح',
      },
      purpose: {
        en: 'Confirm your refugee registration',
        fr: 'Confirmer votre enregistrement de réfugié',
        ar: 'التأكد من تسجيلك كلاجئ',
      },
      purposeClaims: ['case_number'],
      credentials: [
        { id: 'refugee-status', format: 'dc+sd-jwt', types: [vct], claims: [['case_number']] },
      ],
    },
  ];
}
