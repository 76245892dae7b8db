import { render } from 'preact';
import { App } from './app.js';
import { applyToDocument } from './i18n/i18n.js';
import { startStatusRefresh } from './status-refresh.js';
import './styles.css';

applyToDocument();
startStatusRefresh();
render(<App />, document.getElementById('app')!);

// After the first visit the app shell comes from the service worker: it opens with no network.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  void navigator.serviceWorker.register('./sw.js', { type: 'module', scope: './' });
}
