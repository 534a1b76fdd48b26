import { fetchLineage } from '../api';
import { TimelineModel } from '../timeline';
import { IExecution, ILineagePage } from '../tokens';

jest.mock('../api', () => ({ fetchLineage: jest.fn() }));

const fetchMock = fetchLineage as jest.MockedFunction<typeof fetchLineage>;

/** Row `index` of the newest-first list: its id is its index, to check where it landed. */
function execution(index: number): IExecution {
  return { id: index, cell_id: `cell-${index % 3}` } as IExecution;
}

/** The server's answer for a page of a notebook with `total` executions. */
function page(offset: number, limit: number, total: number): ILineagePage {
  const executions: IExecution[] = [];
  for (let i = offset; i < Math.min(offset + limit, total); i++) {
    executions.push(execution(i));
  }
  return {
    notebook: 'nb.ipynb',
    total,
    offset,
    limit,
    order: 'desc',
    executions
  };
}

/** A server holding `total` executions, answering at once. */
function serve(total: () => number): void {
  fetchMock.mockImplementation(async (_path, offset = 0, limit = 100) =>
    page(offset, limit, total())
  );
}

/** Let the pending answers arrive. */
const settle = () => new Promise(resolve => setTimeout(resolve, 0));

/** The offsets asked for so far. */
const offsets = () => fetchMock.mock.calls.map(call => call[1]);

beforeEach(() => {
  fetchMock.mockReset();
});

describe('TimelineModel', () => {
  it('loads the newest page of the notebook and learns the total', async () => {
    serve(() => 10000);
    const timeline = new TimelineModel();
    await timeline.reset('nb.ipynb', null);
    expect(fetchMock).toHaveBeenCalledWith('nb.ipynb', 0, 100, undefined);
    expect(timeline.total).toBe(10000);
    expect(timeline.get(0)?.id).toBe(0);
    expect(timeline.get(99)?.id).toBe(99);
    expect(timeline.get(100)).toBeUndefined();
  });

  it('asks for nothing before the total is known', () => {
    const timeline = new TimelineModel();
    timeline.ensureRange(0, 50);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('asks only for the page a scrolled-to range needs, once', async () => {
    serve(() => 10000);
    const timeline = new TimelineModel();
    await timeline.reset('nb.ipynb', null);
    timeline.ensureRange(9982, 10000);
    timeline.ensureRange(9985, 10000); // still loading: not asked again
    expect(offsets()).toEqual([0, 9900]);
    await settle();
    expect(timeline.get(9999)?.id).toBe(9999);
    timeline.ensureRange(9982, 10000); // loaded: not asked again
    timeline.ensureRange(0, 27);
    expect(offsets()).toEqual([0, 9900]);
  });

  it('asks for both pages of a range across a page boundary', async () => {
    serve(() => 10000);
    const timeline = new TimelineModel();
    await timeline.reset('nb.ipynb', null);
    timeline.ensureRange(290, 317);
    expect(offsets()).toEqual([0, 200, 300]);
  });

  it('sends the cell filter with every page', async () => {
    serve(() => 500);
    const timeline = new TimelineModel();
    await timeline.reset('nb.ipynb', 'cell-1');
    timeline.ensureRange(150, 160);
    expect(fetchMock.mock.calls).toEqual([
      ['nb.ipynb', 0, 100, 'cell-1'],
      ['nb.ipynb', 100, 100, 'cell-1']
    ]);
    expect(timeline.cellFilter).toBe('cell-1');
  });

  it('keeps the other pages on a refresh when no execution was added', async () => {
    serve(() => 10000);
    const timeline = new TimelineModel();
    await timeline.reset('nb.ipynb', null);
    timeline.ensureRange(550, 560);
    await settle();
    const version = timeline.version;
    await timeline.refresh();
    expect(timeline.get(555)?.id).toBe(555);
    expect(timeline.version).toBe(version + 1);
  });

  it('drops the other pages on a refresh when executions were added (rows moved)', async () => {
    let total = 10000;
    serve(() => total);
    const timeline = new TimelineModel();
    await timeline.reset('nb.ipynb', null);
    timeline.ensureRange(550, 560);
    await settle();
    total = 10001;
    await timeline.refresh();
    expect(timeline.total).toBe(10001);
    expect(timeline.get(555)).toBeUndefined();
    timeline.ensureRange(550, 560); // asked for again
    expect(offsets()).toEqual([0, 500, 0, 500]);
  });

  it('ignores an answer for a notebook it no longer follows', async () => {
    let answerOld: (reply: ILineagePage) => void = () => undefined;
    fetchMock.mockImplementationOnce(
      () => new Promise(resolve => (answerOld = resolve))
    );
    const timeline = new TimelineModel();
    const old = timeline.reset('old.ipynb', null);
    serve(() => 7);
    await timeline.reset('new.ipynb', null);
    answerOld(page(0, 100, 3000));
    await old;
    expect(timeline.total).toBe(7);
    expect(timeline.get(50)).toBeUndefined();
  });

  it('keeps why the first page failed, and forgets every row', async () => {
    serve(() => 300);
    const timeline = new TimelineModel();
    await timeline.reset('nb.ipynb', null);
    fetchMock.mockRejectedValueOnce(new Error('Server unreachable'));
    await timeline.refresh();
    expect(timeline.error).toBe('Server unreachable');
    expect(timeline.total).toBeNull();
    expect(timeline.get(0)).toBeUndefined();
    await timeline.refresh();
    expect(timeline.error).toBeNull();
    expect(timeline.total).toBe(300);
  });

  it('asks for nothing and empties itself without a notebook', async () => {
    serve(() => 300);
    const timeline = new TimelineModel();
    await timeline.reset('nb.ipynb', null);
    let changes = 0;
    timeline.changed.connect(() => changes++);
    await timeline.reset(null, null);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(timeline.total).toBeNull();
    expect(timeline.get(0)).toBeUndefined();
    expect(changes).toBe(1);
  });

  it("finds a row's previous run of its cell once the rows between are loaded", async () => {
    serve(() => 10000);
    const timeline = new TimelineModel();
    await timeline.reset('nb.ipynb', null);
    expect(timeline.previousRun(0)?.id).toBe(3); // cells repeat every 3 rows
    // Row 101 is on a page not loaded yet: not known, until it arrives.
    expect(timeline.previousRun(98)).toBeUndefined();
    timeline.ensureRange(100, 110);
    await settle();
    expect(timeline.previousRun(98)?.id).toBe(101);
  });
});
