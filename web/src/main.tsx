import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import 'react-grid-layout/css/styles.css';
import './app/app.css';
import { AnnouncerProvider } from './app/Announcer';
import { App } from './app/App';
import { SessionProvider } from './features/session/session';
import { I18nProvider } from './i18n/I18n';
import { ThemeProvider } from './theme/Theme';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <ThemeProvider>
        <AnnouncerProvider>
          <BrowserRouter>
            <SessionProvider>
              <App />
            </SessionProvider>
          </BrowserRouter>
        </AnnouncerProvider>
      </ThemeProvider>
    </I18nProvider>
  </StrictMode>,
);
