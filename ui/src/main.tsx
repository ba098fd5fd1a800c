import { render } from 'preact';
import { App } from './app';
import { applyTheme, loadTheme } from './lib/theme';
import './styles.css';

applyTheme(loadTheme());
render(<App />, document.getElementById('app')!);
