import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mainWindowOptions, webPreferences } from '../../../electron/main/window-options.ts';

const PRELOAD = '/opt/ers-attach/resources/app.asar/dist/electron/preload.cjs';

describe('webPreferences', () => {
  it('sets every security-relevant preference explicitly to its safe value', () => {
    assert.deepEqual(webPreferences({ preloadPath: PRELOAD, isPackaged: true }), {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: false,
    });
  });

  it('offers DevTools only in an unpackaged (development) run', () => {
    assert.equal(webPreferences({ preloadPath: PRELOAD, isPackaged: false }).devTools, true);
    assert.equal(webPreferences({ preloadPath: PRELOAD, isPackaged: true }).devTools, false);
  });

  it('never enables Blink features or a shared session partition', () => {
    const prefs = webPreferences({ preloadPath: PRELOAD, isPackaged: true });
    assert.equal('enableBlinkFeatures' in prefs, false);
    assert.equal('partition' in prefs, false);
    assert.equal('additionalArguments' in prefs, false);
  });
});

describe('mainWindowOptions', () => {
  it('uses those webPreferences and stays hidden until ready to show', () => {
    const options = mainWindowOptions({ preloadPath: PRELOAD, isPackaged: true });
    assert.deepEqual(options.webPreferences, webPreferences({ preloadPath: PRELOAD, isPackaged: true }));
    assert.equal(options.show, false);
    assert.equal(options.title, 'ers-attach');
  });
});
