// Vitest setup: DOM matchers are plain assertions; clean the DOM between
// tests so components of one test never meet those of another.
import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

// findBy*/waitFor give up after this long: CI runs on two cores shared
// with the Go tests' builds, where a re-render can take more than the
// library's default second. A condition that never holds still fails.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => cleanup());
