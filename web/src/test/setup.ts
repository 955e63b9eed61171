// Vitest setup: DOM matchers are plain assertions; clean the DOM between
// tests so components of one test never meet those of another.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

afterEach(() => cleanup());
