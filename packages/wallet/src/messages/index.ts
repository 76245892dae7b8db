/** `@sanad/wallet/messages`: the holder's messages in every language, for any wallet front end. */
export {
  catalog,
  FALLBACK_LANGUAGE,
  languages,
  matchLanguage,
  type MessageKey,
  type Messages,
  message,
} from './catalog.js';
export { cleanText, DisplayText, hasRtl, isolate } from './display-text.js';
export { createTranslator, type MessageValue, type Translator } from './translator.js';
export { detailedErrorText } from './error-text.js';
