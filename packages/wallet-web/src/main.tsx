import { render } from 'preact';
import { App } from './app.js';
import { applyToDocument } from './i18n/i18n.js';
import { startStatusRefresh } from './status-refresh.js';
import './styles.css';

applyToDocument();
startStatusRefresh();
const root = document.getElementById('app')!;
// The app shell of index.html (painted before any script arrived) gives way to the app.
root.replaceChildren();
render(<App />, root);
