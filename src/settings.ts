/**
 * The plugin's settings: what the recorder skips and hashes (stored by the server for the
 * active notebook's project), and the side the panel sits on.
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { LineageModel } from './model';
import { IReproSettings } from './tokens';

/** Which sidebar holds the panel. */
export type PanelSide = 'left' | 'right';

/** The recorder settings the person set, or null when they kept the defaults. */
export function recorderSettings(
  settings: ISettingRegistry.ISettings
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
export function panelSide(settings: ISettingRegistry.ISettings): PanelSide {
  return settings.composite.panelSide === 'left' ? 'left' : 'right';
}

/**
 * Send the recorder settings to the server when they change, and for each notebook that
 * becomes active (the server stores them per project).
 */
export function syncRecorderSettings(
  settings: ISettingRegistry.ISettings,
  model: LineageModel
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
