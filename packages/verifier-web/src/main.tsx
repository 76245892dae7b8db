import { render } from 'preact';
import { App } from './app.js';
import { applyToDocument } from './i18n.js';
import './styles.css';

applyToDocument();
render(<App />, document.getElementById('app')!);
