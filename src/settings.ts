/**
 * The plugin's settings: what the recorder skips and hashes (stored by the server for the
 * active notebook's project), and the side the panel sits on.
 *
 * The functions read only what they name of an `ISettings`, so plain objects stand in for one
 * in the tests.
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { LineageModel } from './model';
import { IReproSettings } from './tokens';

/** Which sidebar holds the panel. */
export type PanelSide = 'left' | 'right';

/** The side the panel sits on until the settings are read. */
export const DEFAULT_PANEL_SIDE: PanelSide = 'right';

type Settings = ISettingRegistry.ISettings;

/** The recorder settings the person set, or null when they kept the defaults. */
export function recorderSettings(
  settings: Pick<Settings, 'user' | 'composite'>
): Partial<IReproSettings> | null {
  const user = settings.user;
  const chosen: Partial<IReproSettings> = {};
  if (user.skipVariables !== undefined) {
    chosen.skip = (settings.composite.skipVariables as string[]) ?? [];
  }
  if (user.hashBudgetMB !== undefined) {
    chosen.budget_mb = settings.composite.hashBudgetMB as number;
  }
  return Object.keys(chosen).length ? chosen : null;
}

/** The side the panel should sit on. */
export function panelSide(settings: Pick<Settings, 'composite'>): PanelSide {
  return settings.composite.panelSide === 'left' ? 'left' : 'right';
}

/**
 * Keep the panel on the side the settings name: `move` runs now if that is not the default
 * side, and again each time the side changes (not on other changes).
 */
export function followPanelSide(
  settings: Pick<Settings, 'composite' | 'changed'>,
  move: (side: PanelSide) => void
): void {
  let side = DEFAULT_PANEL_SIDE;
  const place = () => {
    const wanted = panelSide(settings);
    if (wanted !== side) {
      side = wanted;
      move(side);
    }
  };
  settings.changed.connect(place);
  place();
}

/**
 * Send the recorder settings to the server when they change, and for each notebook that
 * becomes active (the server stores them per project). The same settings are not sent twice
 * for a notebook: the model changes often, and sending changes it again.
 */
export function syncRecorderSettings(
  settings: Pick<Settings, 'user' | 'composite' | 'changed'>,
  model: Pick<LineageModel, 'notebookPath' | 'changed' | 'pushSettings'>
): void {
  let sent = '';
  const push = () => {
    const chosen = recorderSettings(settings);
    const key = JSON.stringify([model.notebookPath, chosen]);
    if (chosen && model.notebookPath && key !== sent) {
      sent = key;
      void model.pushSettings(chosen);
    }
  };
  settings.changed.connect(push);
  model.changed.connect(push);
  push();
}
