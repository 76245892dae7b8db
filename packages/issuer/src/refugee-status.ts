/** The refugee-status credential type, ready to issue. */
import { type CredentialType, defineCredentialType } from './credential-type.js';

/**
 * Refugee status: names, birth date, nationality, case number, photo digest and an
 * `age_over_18` claim, every one selectively disclosable; valid for two years.
 *
 * @example
 * ```ts
 * createIssuer({ …, types: [refugeeStatusType] })
 * ```
 */
export const refugeeStatusType: CredentialType = defineCredentialType({
  id: 'refugee-status',
  vct: 'https://sanad.example/credentials/refugee-status',
  vcType: 'RefugeeStatusCredential',
  name: {
    en: 'Refugee status',
    fr: 'Statut de réfugié',
    ar: 'صفة اللاجئ',
    es: 'Condición de refugiado',
  },
  description: {
    en: 'Recognition of refugee status by the issuing agency.',
    fr: "Reconnaissance du statut de réfugié par l'agence émettrice.",
    ar: 'الاعتراف بصفة اللاجئ من قبل الجهة المصدرة.',
    es: 'Reconocimiento de la condición de refugiado por el organismo emisor.',
  },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'given_name',
      'family_name',
      'birthdate',
      'nationality',
      'case_number',
      'age_over_18',
    ],
    properties: {
      given_name: { type: 'string', minLength: 1, maxLength: 200 },
      family_name: { type: 'string', minLength: 1, maxLength: 200 },
      birthdate: { type: 'string', format: 'date' },
      nationality: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 3166-1 alpha-3' },
      case_number: { type: 'string', minLength: 1, maxLength: 64 },
      photo_digest: { type: 'string', pattern: '^(sha-256:)?[0-9a-fA-F]{64}$' },
      age_over_18: { type: 'boolean' },
    },
  },
  selectivelyDisclosable: [
    'given_name',
    'family_name',
    'birthdate',
    'nationality',
    'case_number',
    'photo_digest',
    'age_over_18',
  ],
  validity: { days: 730 },
  claimDisplay: {
    given_name: { en: 'Given name', fr: 'Prénom', ar: 'الاسم', es: 'Nombre' },
    family_name: { en: 'Family name', fr: 'Nom de famille', ar: 'اسم العائلة', es: 'Apellido' },
    birthdate: {
      en: 'Date of birth',
      fr: 'Date de naissance',
      ar: 'تاريخ الميلاد',
      es: 'Fecha de nacimiento',
    },
    nationality: { en: 'Nationality', fr: 'Nationalité', ar: 'الجنسية', es: 'Nacionalidad' },
    case_number: {
      en: 'Case number',
      fr: 'Numéro de dossier',
      ar: 'رقم الملف',
      es: 'Número de expediente',
    },
    photo_digest: {
      en: 'Photo fingerprint',
      fr: 'Empreinte de la photo',
      ar: 'بصمة الصورة',
      es: 'Huella de la foto',
    },
    age_over_18: { en: 'Over 18', fr: 'Plus de 18 ans', ar: 'فوق ١٨ سنة', es: 'Mayor de 18 años' },
  },
});
