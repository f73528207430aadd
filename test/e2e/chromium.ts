/**
 * Where the e2e tests find a browser: Debian's `chromium` package (never a browser that playwright
 * downloads: this machine has no network but the package registries). KCD_E2E_CHROMIUM overrides the path.
 */
export const CHROMIUM_PATH = process.env.KCD_E2E_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a closed network: without the background-networking flags Chromium
 * keeps trying to reach Google services and the sandbox refuses those connections.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
