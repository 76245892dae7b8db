/**
 * A Vite plugin for the web apps: drops the `.jsonld` files the JSON-LD context packages name in
 * their metadata (`new URL('../contexts/v2.jsonld', import.meta.url)`). Sanad reads the contexts
 * from those packages' JavaScript modules and never fetches a context, so the files would only be
 * dead weight in the build and in the wallet's offline cache, served by no one (the services send
 * only known file types).
 */
import type { Plugin } from 'vite';

export function dropContextFiles(): Plugin {
  return {
    name: 'sanad-drop-context-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (name.endsWith('.jsonld')) delete bundle[name];
      }
    },
  };
}
