// Renders a component with the app's providers, for component tests
// (as a wrapper, so rerender keeps them).
import { render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { AnnouncerProvider } from '../app/Announcer';
import { I18nProvider } from '../i18n/I18n';
import type { Lang } from '../i18n/messages';
import { ThemeProvider } from '../theme/Theme';

export function renderUI(ui: ReactElement, { lang = 'pt-BR' as Lang, route = '/' } = {}) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <I18nProvider lang={lang}>
      <ThemeProvider>
        <AnnouncerProvider>
          <MemoryRouter initialEntries={[route]}>{children}</MemoryRouter>
        </AnnouncerProvider>
      </ThemeProvider>
    </I18nProvider>
  );
  return render(ui, { wrapper });
}
