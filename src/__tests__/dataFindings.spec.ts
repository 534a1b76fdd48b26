import { dataFindings } from '../dataFindings';

describe('dataFindings', () => {
  it('names changed and missing files, then versions not replayed', () => {
    const lines = dataFindings({
      files: [
        { path: 'd.txt', recorded: 'sha256:a', current: 'sha256:b' },
        { path: 'gone.csv', recorded: 'sha256:c', current: null }
      ],
      data_versions: [
        'd.txt: the version execution 2 read (xxh3:f) is not in the data cache'
      ]
    });
    expect(lines).toEqual([
      'Data file changed since recording: d.txt',
      'Data file missing: gone.csv',
      'Data version not replayed: d.txt: the version execution 2 read (xxh3:f) is not in the data cache'
    ]);
  });

  it('says nothing for reports from servers that predate the fields', () => {
    expect(dataFindings({})).toEqual([]);
  });
});
