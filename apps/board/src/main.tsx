import { render } from 'preact';
import { adoptTokenFromLocation } from './api';
import { App } from './app';
import './styles.css';
import './theme';

adoptTokenFromLocation();
render(<App />, document.getElementById('app')!);

// Fetch and parse the charts code while the first API requests are out, not after they return.
void import('./components/echarts-setup');
