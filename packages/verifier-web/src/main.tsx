import { render } from 'preact';
import { App } from './app.js';
import { dir, lang, t } from './i18n.js';
import './styles.css';

document.documentElement.lang = lang;
document.documentElement.dir = dir;
document.title = t('title');
render(<App />, document.getElementById('app')!);
