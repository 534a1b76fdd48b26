import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal } from '@lumino/signaling';

import {
  followPanelSide,
  panelSide,
  recorderSettings,
  syncRecorderSettings
} from '../settings';
import { LineageModel } from '../model';

/** Settings as the registry gives them: what the person set, merged with the defaults. */
class FakeSettings {
  user: { [key: string]: unknown } = {};
  composite: { [key: string]: unknown } = {
    skipVariables: [],
    hashBudgetMB: 64,
    panelSide: 'right'
  };
  readonly changed = new Signal<this, void>(this);

  /** Set a value as the settings editor does, and tell the listeners. */
  set(key: string, value: unknown): void {
    this.user[key] = value;
    this.composite[key] = value;
    this.changed.emit();
  }

  get settings(): ISettingRegistry.ISettings {
    return this as unknown as ISettingRegistry.ISettings;
  }
}

/** The part of the Lineage model the settings talk to. */
class FakeModel {
  notebookPath: string | null = 'project/nb.ipynb';
  readonly changed = new Signal<this, void>(this);
  readonly pushSettings = jest.fn(async () => undefined);

  open(path: string | null): void {
    this.notebookPath = path;
    this.changed.emit();
  }

  get model(): LineageModel {
    return this as unknown as LineageModel;
  }
}

describe('recorderSettings', () => {
  it('is null while the person kept the defaults', () => {
    expect(recorderSettings(new FakeSettings().settings)).toBeNull();
  });

  it('names only what the person set', () => {
    const fake = new FakeSettings();
    fake.set('skipVariables', ['df_big']);
    expect(recorderSettings(fake.settings)).toEqual({ skip: ['df_big'] });
    fake.set('hashBudgetMB', 16);
    expect(recorderSettings(fake.settings)).toEqual({
      skip: ['df_big'],
      budget_mb: 16
    });
  });

  it('sends an empty skip list when the set value is null', () => {
    const fake = new FakeSettings();
    fake.set('skipVariables', null);
    expect(recorderSettings(fake.settings)).toEqual({ skip: [] });
  });

  it('ignores the panel side', () => {
    const fake = new FakeSettings();
    fake.set('panelSide', 'left');
    expect(recorderSettings(fake.settings)).toBeNull();
  });
});

describe('panelSide', () => {
  it('is left only when the settings say so', () => {
    const fake = new FakeSettings();
    expect(panelSide(fake.settings)).toBe('right');
    fake.set('panelSide', 'left');
    expect(panelSide(fake.settings)).toBe('left');
    fake.set('panelSide', 'top');
    expect(panelSide(fake.settings)).toBe('right');
  });
});

describe('followPanelSide', () => {
  it('leaves the panel on the right by default', () => {
    const move = jest.fn();
    followPanelSide(new FakeSettings().settings, move);
    expect(move).not.toHaveBeenCalled();
  });

  it('moves the panel at once when the settings say left', () => {
    const fake = new FakeSettings();
    fake.composite.panelSide = 'left';
    const move = jest.fn();
    followPanelSide(fake.settings, move);
    expect(move.mock.calls).toEqual([['left']]);
  });

  it('moves the panel each time the side changes, and only then', () => {
    const fake = new FakeSettings();
    const move = jest.fn();
    followPanelSide(fake.settings, move);
    fake.set('panelSide', 'left');
    fake.set('hashBudgetMB', 8);
    fake.set('panelSide', 'left');
    fake.set('panelSide', 'right');
    expect(move.mock.calls).toEqual([['left'], ['right']]);
  });
});

describe('syncRecorderSettings', () => {
  it('sends nothing while the person kept the defaults', () => {
    const model = new FakeModel();
    syncRecorderSettings(new FakeSettings().settings, model.model);
    model.open('other/nb.ipynb');
    expect(model.pushSettings).not.toHaveBeenCalled();
  });

  it('sends the chosen settings for the open notebook at once', () => {
    const fake = new FakeSettings();
    fake.user.hashBudgetMB = 16;
    fake.composite.hashBudgetMB = 16;
    const model = new FakeModel();
    syncRecorderSettings(fake.settings, model.model);
    expect(model.pushSettings.mock.calls).toEqual([[{ budget_mb: 16 }]]);
  });

  it('waits for a notebook before sending', () => {
    const fake = new FakeSettings();
    const model = new FakeModel();
    model.notebookPath = null;
    syncRecorderSettings(fake.settings, model.model);
    fake.set('skipVariables', ['secret']);
    expect(model.pushSettings).not.toHaveBeenCalled();
    model.open('nb.ipynb');
    expect(model.pushSettings.mock.calls).toEqual([[{ skip: ['secret'] }]]);
  });

  it('does not send the same settings twice for a notebook (the model changes often)', () => {
    const fake = new FakeSettings();
    const model = new FakeModel();
    syncRecorderSettings(fake.settings, model.model);
    fake.set('skipVariables', ['secret']);
    model.changed.emit();
    model.changed.emit();
    expect(model.pushSettings).toHaveBeenCalledTimes(1);
  });

  it('sends again for another notebook and when the settings change', () => {
    const fake = new FakeSettings();
    const model = new FakeModel();
    syncRecorderSettings(fake.settings, model.model);
    fake.set('skipVariables', ['secret']);
    model.open('other/nb.ipynb');
    fake.set('hashBudgetMB', 4);
    expect(model.pushSettings.mock.calls).toEqual([
      [{ skip: ['secret'] }],
      [{ skip: ['secret'] }],
      [{ skip: ['secret'], budget_mb: 4 }]
    ]);
  });
});
