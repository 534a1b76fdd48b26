import {
  changedOutputs,
  formatSize,
  outputCellLabel,
  outputFindings,
  outputLabel,
  outputLabelWithMime,
  previousRun
} from '../outputs';
import {
  ICellStatus,
  IExecution,
  IOutputFingerprint,
  IVerifyOutput
} from '../tokens';

/** An output fingerprint: `kind` is a stream name, or `result`/`display`/`error` with a MIME. */
function output(
  index: number,
  kind: string,
  hash: string,
  mime = 'text/plain'
): IOutputFingerprint {
  const stream = kind === 'stdout' || kind === 'stderr';
  const types: { [kind: string]: string } = {
    result: 'execute_result',
    display: 'display_data',
    error: 'error'
  };
  return {
    index,
    output_type: stream ? 'stream' : types[kind],
    mime,
    name: stream ? kind : null,
    size: 10,
    hash
  };
}

function finding(
  execution: number,
  index: number,
  reproduced: string | null
): IVerifyOutput {
  return {
    cell: 'c1',
    execution,
    index,
    output_type: 'stream',
    mime: 'text/plain',
    name: 'stdout',
    recorded: 'xxh3:a',
    reproduced
  };
}

describe('outputLabel', () => {
  it('names streams, results, displays and errors as people read them', () => {
    expect(outputLabel(output(0, 'stdout', 'h'))).toBe('stdout');
    expect(outputLabel(output(0, 'stderr', 'h'))).toBe('stderr');
    expect(outputLabel(output(0, 'result', 'h', 'text/html'))).toBe(
      'result text/html'
    );
    expect(outputLabel(output(0, 'display', 'h', 'image/png'))).toBe(
      'display image/png'
    );
    const error = output(0, 'error', 'h', 'application/vnd.jupyter.error');
    expect(outputLabel(error)).toBe('error');
  });

  it('keeps an unknown output type with its MIME type', () => {
    expect(
      outputLabel({ output_type: 'update', mime: 'image/png', name: null })
    ).toBe('update image/png');
  });

  it('spells the MIME type out where the kind only implies it', () => {
    expect(outputLabelWithMime(output(0, 'stdout', 'h'))).toBe(
      'stdout (text/plain)'
    );
    expect(outputLabelWithMime(output(0, 'display', 'h', 'image/png'))).toBe(
      'display image/png'
    );
  });
});

describe('formatSize', () => {
  it('writes bytes under 1 KB as they are', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1023)).toBe('1023 B');
  });

  it('writes larger sizes in KB, MB and GB with one decimal under 100', () => {
    expect(formatSize(1024)).toBe('1.0 KB');
    expect(formatSize(12595)).toBe('12.3 KB');
    expect(formatSize(345 * 1024)).toBe('345 KB');
    expect(formatSize(1.25 * 1024 * 1024)).toBe('1.3 MB');
    expect(formatSize(3 * 1024 ** 3)).toBe('3.0 GB');
  });

  it('moves up a unit rather than show 1024 of one', () => {
    expect(formatSize(1024 * 1024 - 10)).toBe('1.0 MB');
  });

  it('writes nothing for an unknown size', () => {
    expect(formatSize(null)).toBe('');
    expect(formatSize(undefined)).toBe('');
    expect(formatSize(NaN)).toBe('');
    expect(formatSize(-1)).toBe('');
  });
});

describe('changedOutputs', () => {
  it('flags the output whose hash differs from the previous run', () => {
    const previous = [
      output(0, 'stdout', 'a'),
      output(1, 'display', 'b', 'text/html'),
      output(1, 'display', 'c')
    ];
    const now = [
      output(0, 'stdout', 'A'),
      output(1, 'display', 'b', 'text/html'),
      output(1, 'display', 'c')
    ];
    expect(changedOutputs(now, previous)).toEqual([true, false, false]);
  });

  it('flags nothing when the previous run is not known or recorded no outputs', () => {
    const now = [output(0, 'stdout', 'a')];
    expect(changedOutputs(now, undefined)).toEqual([false]);
    expect(changedOutputs(now, [])).toEqual([false]);
  });

  it('pairs outputs by kind and rank, so stdout and stderr may trade places', () => {
    const previous = [output(0, 'stdout', 'out'), output(1, 'stderr', 'err')];
    const now = [output(0, 'stderr', 'err'), output(1, 'stdout', 'out')];
    expect(changedOutputs(now, previous)).toEqual([false, false]);
  });

  it('pairs the second image with the second image', () => {
    const previous = [
      output(0, 'display', 'p1', 'image/png'),
      output(1, 'display', 'p2', 'image/png')
    ];
    const now = [
      output(0, 'stdout', 'new'),
      output(1, 'display', 'p1', 'image/png'),
      output(2, 'display', 'P2', 'image/png')
    ];
    expect(changedOutputs(now, previous)).toEqual([false, false, true]);
  });

  it('does not flag an output the previous run did not show', () => {
    const previous = [output(0, 'stdout', 'a')];
    const now = [output(0, 'stdout', 'a'), output(1, 'error', 'e')];
    expect(changedOutputs(now, previous)).toEqual([false, false]);
  });

  it('tells a result from a display of the same MIME type', () => {
    const previous = [output(0, 'result', 'a')];
    const now = [output(0, 'display', 'b')];
    expect(changedOutputs(now, previous)).toEqual([false]);
  });
});

describe('previousRun', () => {
  /** Rows newest first; `undefined` is a row not loaded. */
  function rows(cells: (string | null | undefined)[]) {
    const list = cells.map((cell, id) =>
      cell === undefined ? undefined : ({ id, cell_id: cell } as IExecution)
    );
    return (index: number) => list[index];
  }

  it('finds the next older run of the same cell', () => {
    const get = rows(['a', 'b', 'b', 'a']);
    expect(previousRun(get, 0, 4)?.id).toBe(3);
    expect(previousRun(get, 1, 4)?.id).toBe(2);
  });

  it('knows none for the oldest run of a cell', () => {
    const get = rows(['a', 'b', 'a']);
    expect(previousRun(get, 1, 3)).toBeUndefined();
    expect(previousRun(get, 2, 3)).toBeUndefined();
  });

  it('gives up at a row not loaded: a closer run may be there', () => {
    const get = rows(['a', 'b', undefined, 'a']);
    expect(previousRun(get, 0, 4)).toBeUndefined();
  });

  it('knows none for an execution without a cell id or not loaded', () => {
    expect(previousRun(rows([null, null]), 0, 2)).toBeUndefined();
    expect(previousRun(rows([undefined, 'a']), 0, 2)).toBeUndefined();
  });
});

describe('outputCellLabel', () => {
  const cells = [
    { cell_id: 'md', index: 0 },
    { cell_id: 'c1', index: 1 }
  ] as ICellStatus[];

  it('names a cell by its number in the notebook, else by its id', () => {
    expect(outputCellLabel(cells, 'c1')).toBe('cell 2');
    expect(outputCellLabel(cells, 'gone')).toBe('cell gone');
    expect(outputCellLabel(cells, null)).toBe('no cell');
  });
});

describe('outputFindings', () => {
  it('lists mismatched and missing outputs, then the nondeterministic apart', () => {
    const mismatched = finding(1, 0, 'xxh3:b');
    const missing = finding(2, 1, null);
    const shaky = finding(3, 0, 'xxh3:c');
    const found = outputFindings({
      compared: true,
      matched: [],
      mismatched: [mismatched, shaky],
      missing: [missing],
      nondeterministic: [{ ...shaky }]
    });
    expect(found.differing).toEqual([mismatched, missing]);
    expect(found.nondeterministic).toEqual([shaky]);
  });
});
